package dev.hearth.gguf.llama;

import java.util.Collection;

import dev.hearth.api.backend.Support;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.quant.QuantType;

/** What every GGUF backend asks of a model before it loads it: a GGUF file, a Llama-like architecture, kernels. */
public final class LlamaSupport {

    private LlamaSupport() {
    }

    /**
     * Yes when {@code model} is a GGUF file of a {@link LlamaNames#LLAMA_LIKE} architecture whose tensor types all
     * are in {@code kernels}; else no, with the reason.
     *
     * @param backendId     the backend asking, for the message
     * @param kernels       the tensor types the backend has kernels for
     * @param kernelsLabel  whose kernels they are in the message, e.g. {@code CPU}
     * @param supportedList the supported types as the message lists them
     */
    public static Support check(ModelDescription model, String backendId, Collection<QuantType> kernels,
                                String kernelsLabel, String supportedList) {
        if (!GgufModelFormat.ID.equals(model.format())) {
            return Support.no(backendId + " runs GGUF files; this model is " + model.format());
        }
        if (!LlamaNames.LLAMA_LIKE.contains(model.architecture())) {
            return Support.no("architecture '" + model.architecture() + "' is not supported; supported: "
                    + LlamaNames.LLAMA_LIKE);
        }
        for (ModelDescription.TensorTypeStat t : model.tensorTypes()) {
            if (kernels.stream().noneMatch(q -> q.name().equals(t.type()))) {
                return Support.no("tensor type " + t.type() + " has no " + kernelsLabel + " kernels; supported: "
                        + supportedList);
            }
        }
        return Support.yes();
    }
}
