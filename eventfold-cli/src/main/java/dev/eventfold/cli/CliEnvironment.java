package dev.eventfold.cli;

import java.util.Map;
import java.util.Optional;

/**
 * What a command may know of the process it runs in, passed in rather than read from globals so
 * that tests run commands in-process with an environment of their own.
 *
 * @param env      environment variables ({@code EVENTFOLD_TABLE}, {@code AWS_REGION}, credentials)
 * @param terminal true when stderr is a terminal ({@link StderrTerminal}): progress bars are then drawn unasked
 */
record CliEnvironment(Map<String, String> env, boolean terminal) {
    CliEnvironment {
        env = Map.copyOf(env);
    }

    Optional<String> get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
