/** Backends: inference engines that load models onto a device. */
@Export
@Version("1.0.0")
package dev.hearth.api.backend;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
