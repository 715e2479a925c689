/** Shared pieces for commands: argument parsing and finding, describing and loading models. */
@Export
@Version("1.1.0")
package dev.hearth.command;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
