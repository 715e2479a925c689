package dev.hearth.gguf.convert;

/**
 * The row order of query and key weights. Hugging Face's Llama applies RoPE to the two halves of each head
 * ({@code rotate_half}); GGUF's (llama.cpp's) Llama rotates adjacent pairs. llama.cpp's converter therefore
 * reorders each head's rows: viewing a head's {@code head_dim} rows as {@code (2, head_dim/2)}, it swaps the two
 * axes, so GGUF row {@code 2i + j} of a head is HF row {@code j·head_dim/2 + i} ({@code permute(w, n_head,
 * n_head_kv)} in convert_hf_to_gguf.py, with n_head = the KV heads for keys).
 */
public final class QkPermutation {

    private QkPermutation() {}

    /** For each GGUF row, the HF row it comes from: {@code heads} heads of {@code rows / heads} rows. */
    public static int[] hfRowForGgufRow(int rows, int heads) {
        if (heads <= 0 || rows % heads != 0 || (rows / heads) % 2 != 0) {
            throw new IllegalArgumentException(rows + " rows are not " + heads + " heads of an even size");
        }
        int headDim = rows / heads;
        int half = headDim / 2;
        int[] perm = new int[rows];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < half; i++) {
                for (int j = 0; j < 2; j++) {
                    perm[h * headDim + 2 * i + j] = h * headDim + j * half + i;
                }
            }
        }
        return perm;
    }

    /** The inverse: for each HF row, the GGUF row it comes from (to write HF checkpoints from GGUF layout). */
    public static int[] ggufRowForHfRow(int rows, int heads) {
        int[] p = hfRowForGgufRow(rows, heads);
        int[] inv = new int[rows];
        for (int g = 0; g < rows; g++) inv[p[g]] = g;
        return inv;
    }
}
