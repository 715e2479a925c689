/** Chat templates: Jinja templates from model files, llama.cpp's built-in templates by name, and selection. */
@Export
@Version("1.0.0")
package dev.hearth.chat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
