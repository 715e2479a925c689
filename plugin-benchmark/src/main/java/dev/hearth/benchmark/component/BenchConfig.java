package dev.hearth.benchmark.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the bench command (PID {@code dev.hearth.benchmark}). */
@ObjectClassDefinition(name = "Hearth benchmark", description = "The hearth bench command")
public @interface BenchConfig {

    @AttributeDefinition(description = "Folder of the models used without --model (made by synth when missing); "
            + "empty means ~/.hearth/models/bench")
    String defaultModels() default "";
}
