/** Chat messages and the chat-template contract. */
@Export
@Version("1.0.0")
package dev.hearth.api.chat;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
