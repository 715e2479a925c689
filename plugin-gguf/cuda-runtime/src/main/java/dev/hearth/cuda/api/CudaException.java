package dev.hearth.cuda.api;

/** A CUDA driver call failed; the message names the call and, for allocations, the sizes. */
public class CudaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CudaException(String message) {
        super(message);
    }

    public CudaException(String message, Throwable cause) {
        super(message, cause);
    }
}
