/**
 * NVIDIA GPUs through the CUDA driver API: one {@link dev.hearth.cuda.api.CudaDevice} service per GPU, registered
 * by the long-lived {@code dev.hearth.cuda} bundle that owns JCuda's native library and each device's context.
 */
@Export
@Version("1.2.0")
package dev.hearth.cuda.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
