/** Choosing the next token from logits: greedy, or llama.cpp's sampler chain with a seeded draw. */
@Export
@Version("1.0.0")
package dev.hearth.sampling;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
