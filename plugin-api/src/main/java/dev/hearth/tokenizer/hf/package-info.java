/**
 * Hugging Face tokenizers in pure Java: {@code tokenizer.json} (the tokenizers library's pipeline as Llama,
 * Mistral and Qwen models use it), SentencePiece {@code tokenizer.model} files and {@code tokenizer_config.json}.
 */
@Export
@Version("1.0.0")
package dev.hearth.tokenizer.hf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
