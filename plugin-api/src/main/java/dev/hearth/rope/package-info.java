/** Rotary position embedding frequencies shared by the model formats: the base inverse frequencies and their scalings. */
@Export
@Version("1.0.0")
package dev.hearth.rope;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
