/** The tokenizer contract. */
@Export
@Version("1.0.0")
package dev.hearth.api.tokenizer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
