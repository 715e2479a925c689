package dev.hearth.gguf.component;

import java.io.IOException;
import java.nio.file.Path;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.gguf.GgufModelFormat;

import org.osgi.service.component.annotations.Component;

/** Registers the GGUF format as a {@link ModelFormat} service. */
@Component(service = ModelFormat.class, property = ModelFormat.PROP_ID + "=" + GgufModelFormat.ID)
public final class GgufFormatComponent implements ModelFormat {

    private final GgufModelFormat format = new GgufModelFormat();

    @Override
    public String id() {
        return format.id();
    }

    @Override
    public boolean probe(Path path) {
        return format.probe(path);
    }

    @Override
    public VerificationReport verify(Path path) {
        return format.verify(path);
    }

    @Override
    public ModelDescription describe(Path path) throws IOException {
        return format.describe(path);
    }

    @Override
    public String info(Path path) throws IOException {
        return format.info(path);
    }

    @Override
    public Tokenizer tokenizer(Path path) throws IOException {
        return format.tokenizer(path);
    }
}
