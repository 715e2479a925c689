package dev.hearth.api.chat;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** Turns chat messages into the prompt text a model was trained on. */
@ProviderType
public interface ChatTemplate {

    /** Name, e.g. {@code zephyr}, or {@code model} for the template the model file carries. */
    String name();

    /**
     * @param messages            the conversation so far
     * @param addGenerationPrompt end with the text that opens the assistant's turn
     */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt);
}
