package dev.eventfold.cli;

import dev.eventfold.testkit.AwsTestEnvironment;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process with captured output, as a test sees it. */
record CliRun(int exitCode, String out, String err) {

    static CliRun run(Map<String, String> env, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = EventfoldCli.run(new PrintWriter(out), new PrintWriter(err), env, args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Without any environment: no EVENTFOLD_TABLE, no AWS settings. */
    static CliRun run(String... args) {
        return run(Map.of(), args);
    }

    /** A command against the test environment: its endpoint and region appended. */
    static CliRun on(AwsTestEnvironment aws, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(target(aws));
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("EVENTFOLD_TABLE");
        return run(env, all.toArray(String[]::new));
    }

    static List<String> target(AwsTestEnvironment aws) {
        List<String> t = new ArrayList<>();
        aws.endpoint().ifPresent(e -> t.addAll(List.of("--endpoint", e.toString())));
        t.addAll(List.of("--region", aws.region().id()));
        return t;
    }

    List<String> outLines() {
        return out.isEmpty() ? List.of() : List.of(out.split("\\R"));
    }

    List<String> errLines() {
        return err.isEmpty() ? List.of() : List.of(err.split("\\R"));
    }
}
