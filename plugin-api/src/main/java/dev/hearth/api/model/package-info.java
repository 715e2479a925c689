/** Model formats: probing, verifying and describing model files. */
@Export
@Version("1.0.0")
package dev.hearth.api.model;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
