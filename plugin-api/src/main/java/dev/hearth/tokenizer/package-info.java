/**
 * Pure-Java tokenizers: {@link dev.hearth.tokenizer.Vocabulary} (the data, independent of file format),
 * {@link dev.hearth.tokenizer.SentencePieceTokenizer} (llama.cpp's "SPM"),
 * {@link dev.hearth.tokenizer.BpeTokenizer} (GPT-2 byte-level BPE with the pre-tokenizers of
 * {@link dev.hearth.tokenizer.PreTokenizers}), the {@link dev.hearth.tokenizer.Tokenizers} factory and the
 * {@link dev.hearth.tokenizer.Utf8StreamDecoder} for streaming generated text.
 */
@Export
@Version("1.0.0")
package dev.hearth.tokenizer;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
