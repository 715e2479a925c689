package dev.hearth.benchmark;

import java.io.IOException;

import dev.hearth.api.backend.Support;
import dev.hearth.api.model.ModelDescription;

/**
 * Something the harness measures: a Hearth {@code Backend} service ({@link BackendTarget}) or an engine outside
 * Hearth reached over a protocol (an OpenAI-compatible server). Both run the same scenarios and yield the same
 * {@link RunSample}s.
 */
public interface Target {

    /** Id in reports, e.g. {@code gguf-cpu} or {@code openai:http://127.0.0.1:8080}. */
    String id();

    String version();

    /** Device label for reports. */
    String deviceLabel();

    /** GPU name and driver when it computes on a GPU, else empty. */
    String gpu();

    /** Whether it still exists; a backend service that was unregistered answers false. */
    boolean alive();

    /** True when it brings its own model (a remote server): it then runs once, whatever models were given. */
    boolean servesOwnModel();

    /** Whether it can run the model; asked, never found out by catching exceptions. */
    Support supports(ModelDescription model);

    /** Loads the model ({@code null} when {@link #servesOwnModel()}). */
    Loaded load(ModelDescription model) throws IOException;

    /** A model ready to run scenarios. */
    interface Loaded extends AutoCloseable {

        /** Model name for reports. */
        String modelName();

        /** Where the model came from (file or URL). */
        String modelPath();

        boolean randomWeights();

        /**
         * Runs one repetition of a scenario and returns what was measured.
         *
         * @param run  repetition number, 0 for warm-up
         * @param seed seed of random token ids (ppN, tgN)
         * @throws UnsupportedScenarioException when this target cannot run this kind of scenario
         */
        RunSample run(Scenario scenario, int run, long seed) throws IOException;

        /** Asks a running {@link #run} to stop soon; safe from any thread. */
        void cancel();

        @Override
        void close();
    }

    /** A scenario a target cannot run (a chat scenario without a chat template, ppN on a remote server). */
    final class UnsupportedScenarioException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnsupportedScenarioException(String message) {
            super(message);
        }
    }
}
