/** The generation loop every backend's {@code Session.generate} runs, perplexity, and memory probes. */
@Export
@Version("1.0.0")
package dev.hearth.generation;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
