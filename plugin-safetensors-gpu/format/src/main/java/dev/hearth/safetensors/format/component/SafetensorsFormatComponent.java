package dev.hearth.safetensors.format.component;

import java.io.IOException;
import java.nio.file.Path;

import org.osgi.service.component.annotations.Component;

import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.safetensors.format.SafetensorsModelFormat;

/** Registers the {@code safetensors} {@link ModelFormat} service; all logic is in {@link SafetensorsModelFormat}. */
@Component(service = ModelFormat.class, property = ModelFormat.PROP_ID + "=" + SafetensorsModelFormat.ID)
public final class SafetensorsFormatComponent implements ModelFormat {
    private final SafetensorsModelFormat format = new SafetensorsModelFormat();

    @Override
    public String id() { return format.id(); }

    @Override
    public boolean probe(Path path) { return format.probe(path); }

    @Override
    public VerificationReport verify(Path path) throws IOException { return format.verify(path); }

    @Override
    public ModelDescription describe(Path path) throws IOException { return format.describe(path); }

    @Override
    public String info(Path path) throws IOException { return format.info(path); }

    @Override
    public Tokenizer tokenizer(Path path) throws IOException { return format.tokenizer(path); }
}
