package dev.hearth.gguf.bench;

/**
 * What one benchmark operation moves and computes, to turn JMH's operations per second into GB/s and GFLOP/s.
 *
 * @param bytes bytes the kernel loads per operation (the weights, or the K and V rows for attention)
 * @param flops floating-point (or integer multiply-add) operations per operation, a multiply-add counted as 2
 */
record Work(double bytes, double flops) {
}
