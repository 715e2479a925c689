package dev.hearth.safetensors.onnx;

import java.nio.file.Path;

/**
 * An exported graph on disk.
 *
 * @param folder      the folder holding {@value #MODEL_FILE}, {@value OnnxWeights#DATA_FILE} and links to the
 *                    checkpoint's files
 * @param options     how it was exported
 * @param key         the cache key (weights' checksum and options)
 * @param fromCache   true when an earlier export was reused
 * @param linkedBytes weight bytes read in place from the {@code .safetensors} files
 * @param copiedBytes bytes written to {@value OnnxWeights#DATA_FILE}
 */
public record OnnxExport(Path folder, OnnxExportOptions options, String key, boolean fromCache, long linkedBytes,
        long copiedBytes) {
    public static final String MODEL_FILE = "model.onnx";

    public Path modelFile() {
        return folder.resolve(MODEL_FILE);
    }
}
