package dev.hearth.gguf.cuda;

import java.util.EnumMap;
import java.util.Map;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.quant.QuantType;

/** {@code embed.cu}: x = the dequantized row of the token whose id is in {@code params[0]}. */
final class CudaEmbed {

    private final Map<QuantType, CudaKernel> kernels = new EnumMap<>(QuantType.class);

    CudaEmbed(CudaModule module) {
        for (QuantType t : CudaMatVec.TYPES) kernels.put(t, module.kernel("embed_" + CudaMatVec.suffix(t)));
    }

    void launch(CudaStream s, CudaTensor table, CudaBuffer params, CudaBuffer x) {
        kernels.get(table.type()).launch(s, (table.cols() + 255) / 256, 1, 256, 0,
                table.buffer(), table.rowBytes(), params, x, table.cols());
    }
}
