/** Commands that plugins contribute to the command line and the console. */
@Export
@Version("1.0.0")
package dev.hearth.api.command;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
