package dev.hearth.gguf.format;

/**
 * Labels for {@code general.file_type}, in llama.cpp's {@code llama_ftype} numbering
 * ({@code LLAMA_FTYPE_MOSTLY_*}): the quantization recipe a file was made with, such as {@code Q4_K_M}.
 * Ids llama.cpp withdrew keep a label saying so.
 */
public final class GgufFileType {
    private GgufFileType() {}

    /** {@code LLAMA_FTYPE_GUESSED}: not stated in the file. */
    public static final int GUESSED = 1024;

    /** The recipe name for {@code id}, e.g. 15 → {@code Q4_K_M}; {@code unknown (id N)} when not known. */
    public static String label(long id) {
        return switch ((int) Math.max(-1, Math.min(id, Integer.MAX_VALUE))) {
            case 0 -> "F32";
            case 1 -> "F16";
            case 2 -> "Q4_0";
            case 3 -> "Q4_1";
            case 4 -> "Q4_1_SOME_F16 (withdrawn)";
            case 5 -> "Q4_2 (withdrawn)";
            case 6 -> "Q4_3 (withdrawn)";
            case 7 -> "Q8_0";
            case 8 -> "Q5_0";
            case 9 -> "Q5_1";
            case 10 -> "Q2_K";
            case 11 -> "Q3_K_S";
            case 12 -> "Q3_K_M";
            case 13 -> "Q3_K_L";
            case 14 -> "Q4_K_S";
            case 15 -> "Q4_K_M";
            case 16 -> "Q5_K_S";
            case 17 -> "Q5_K_M";
            case 18 -> "Q6_K";
            case 19 -> "IQ2_XXS";
            case 20 -> "IQ2_XS";
            case 21 -> "Q2_K_S";
            case 22 -> "IQ3_XS";
            case 23 -> "IQ3_XXS";
            case 24 -> "IQ1_S";
            case 25 -> "IQ4_NL";
            case 26 -> "IQ3_S";
            case 27 -> "IQ3_M";
            case 28 -> "IQ2_S";
            case 29 -> "IQ2_M";
            case 30 -> "IQ4_XS";
            case 31 -> "IQ1_M";
            case 32 -> "BF16";
            case 33 -> "Q4_0_4_4 (withdrawn)";
            case 34 -> "Q4_0_4_8 (withdrawn)";
            case 35 -> "Q4_0_8_8 (withdrawn)";
            case 36 -> "TQ1_0";
            case 37 -> "TQ2_0";
            case 38 -> "MXFP4_MOE";
            case 39 -> "NVFP4";
            case 40 -> "Q1_0";
            case GUESSED -> "guessed";
            default -> "unknown (id " + id + ")";
        };
    }
}
