/** Sessions: evaluating tokens and generating text with a loaded model. */
@Export
@Version("1.0.0")
package dev.hearth.api.session;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
