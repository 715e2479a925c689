/** Descriptions of compute devices. */
@Export
@Version("1.0.0")
package dev.hearth.api.device;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
