package dev.eventfold.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileProperty;
import software.amazon.awssdk.regions.Region;

/** The options of every command that talks to AWS or an emulator: where, in which region, which table. */
final class AwsOptions {
    static final String TABLE_ENV = "EVENTFOLD_TABLE";

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Send every request to this endpoint (moto, LocalStack), e.g. http://127.0.0.1:5000."
                    + " Without AWS credentials in the environment, dummy ones are used.")
    String endpoint;

    @Option(names = "--region", paramLabel = "REGION",
            description = "AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the region of the AWS profile"
                    + " in $AWS_CONFIG_FILE or ~/.aws/config, or us-east-1 with --endpoint; never instance metadata).")
    String region;

    @Option(names = "--table", paramLabel = "NAME", description = "The event table (default: $" + TABLE_ENV + ").")
    String table;

    /** Where requests go, resolved and checked before any request. */
    record Target(Optional<URI> endpoint, Region region, AwsCredentialsProvider credentials) {
    }

    /** The table name: the option, else {@value #TABLE_ENV}; a usage error when neither is set. */
    String table(CommandLine cl, CliEnvironment env) {
        String t = table != null ? table : env.get(TABLE_ENV).orElse(null);
        if (t == null || t.isBlank()) {
            throw new ParameterException(cl, "no table: pass --table NAME or set " + TABLE_ENV);
        }
        if (!t.matches("[A-Za-z0-9_.-]{3,255}")) {
            throw new ParameterException(cl, "--table: '" + t + "' is not a DynamoDB table name (3 to 255 of A-Z a-z 0-9 _ . -)");
        }
        return t;
    }

    Target target(CommandLine cl, CliEnvironment env) {
        Optional<URI> uri = Optional.ofNullable(endpoint).map(e -> endpointUri(cl, e));
        return new Target(uri, region(cl, env, uri.isPresent()), credentials(env, uri.isPresent()));
    }

    private static URI endpointUri(CommandLine cl, String value) {
        try {
            URI u = new URI(value);
            if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                throw new ParameterException(cl, "--endpoint: expected an http(s) URL such as http://127.0.0.1:5000, got '"
                        + value + "'");
            }
            return u;
        } catch (URISyntaxException e) {
            throw new ParameterException(cl, "--endpoint: not a URL: '" + value + "'");
        }
    }

    private Region region(CommandLine cl, CliEnvironment env, boolean emulator) {
        Optional<String> r = Optional.ofNullable(region).or(() -> env.get("AWS_REGION")).or(() -> env.get("AWS_DEFAULT_REGION"));
        if (r.isPresent()) {
            if (!r.get().matches("[a-z0-9-]{2,32}")) {
                throw new ParameterException(cl, "--region: '" + r.get() + "' is not a region name such as eu-west-1");
            }
            return Region.of(r.get());
        }
        if (emulator) {
            return Region.US_EAST_1; // emulators accept any region
        }
        // Only the profile file, not the SDK's whole default chain: that chain ends with the EC2
        // instance metadata service, which off EC2 costs seconds of timeouts before a usage error.
        Optional<String> fromProfile = profileRegion(env);
        if (fromProfile.isPresent() && fromProfile.get().matches("[a-z0-9-]{2,32}")) {
            return Region.of(fromProfile.get());
        }
        throw new ParameterException(cl, "no AWS region: pass --region, set AWS_REGION, or set region in the AWS"
                + " profile" + (fromProfile.isPresent() ? " (its '" + fromProfile.get() + "' is not a region name)" : ""));
    }

    /** The region of the profile ($AWS_PROFILE or default) in $AWS_CONFIG_FILE or ~/.aws/config, if any. */
    static Optional<String> profileRegion(CliEnvironment env) {
        Path file = env.get("AWS_CONFIG_FILE").map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".aws", "config"));
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            ProfileFile profiles = ProfileFile.builder().content(file).type(ProfileFile.Type.CONFIGURATION).build();
            return profiles.profile(env.get("AWS_PROFILE").orElse("default"))
                    .flatMap(p -> p.property(ProfileProperty.REGION)).map(String::trim).filter(r -> !r.isEmpty());
        } catch (RuntimeException unreadable) {
            return Optional.empty(); // a broken profile file is the same as none for the region
        }
    }

    private static AwsCredentialsProvider credentials(CliEnvironment env, boolean emulator) {
        boolean configured = env.get("AWS_ACCESS_KEY_ID").isPresent() || env.get("AWS_PROFILE").isPresent()
                || env.get("AWS_WEB_IDENTITY_TOKEN_FILE").isPresent()
                || env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI").isPresent()
                || env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").isPresent();
        if (emulator && !configured) {
            // Emulators accept any credentials; without this, the SDK would look for real ones and fail.
            return StaticCredentialsProvider.create(AwsBasicCredentials.create("eventfold", "eventfold"));
        }
        if (env.get("AWS_ACCESS_KEY_ID").isPresent() && env.get("AWS_SECRET_ACCESS_KEY").isPresent()) {
            String token = env.get("AWS_SESSION_TOKEN").orElse(null);
            return StaticCredentialsProvider.create(token == null
                    ? AwsBasicCredentials.create(env.env().get("AWS_ACCESS_KEY_ID"), env.env().get("AWS_SECRET_ACCESS_KEY"))
                    : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(
                            env.env().get("AWS_ACCESS_KEY_ID"), env.env().get("AWS_SECRET_ACCESS_KEY"), token));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
