package dev.hearth.benchmark.component;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the bench command (PID {@code dev.hearth.benchmark}). */
@ObjectClassDefinition(name = "Hearth benchmark", description = "The hearth bench command")
public @interface BenchConfig {

    @AttributeDefinition(description = "Model used without --model; empty means ~/.hearth/models/default-bench.gguf")
    String defaultModel() default "";
}
