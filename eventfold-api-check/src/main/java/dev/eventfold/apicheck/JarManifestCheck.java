package dev.eventfold.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.lang.model.SourceVersion;

/**
 * Checks the manifests of the jars a module built: every {@code target/*.jar} (the module jar and
 * any shaded jar) names the module's {@code Automatic-Module-Name}, and the jars that must start a
 * program name their {@code Main-Class}.
 *
 * <p>The parent pom runs it in the {@code verify} phase of every module as a single-file program
 * ({@code java JarManifestCheck.java ...}): it needs no class path, so it also runs in the parent
 * (a pom, no jar: nothing to check) and in modules that do not depend on this one. Keep it to this
 * one file and to the JDK.
 *
 * <p>Arguments: {@code packaging buildDirectory finalName artifactId moduleName --main-classes=jar=Class,...}
 */
public final class JarManifestCheck {

    private JarManifestCheck() {
    }

    public static void main(String[] args) {
        if (args.length != 6 || !args[5].startsWith("--main-classes=")) {
            System.err.println("usage: JarManifestCheck packaging buildDirectory finalName artifactId moduleName"
                    + " --main-classes=[jar=Class,...]");
            System.exit(2);
        }
        if (!args[0].equals("jar")) {
            System.out.println("[jar-manifests] packaging " + args[0] + ": no jar to check");
            return;
        }
        Map<String, String> mainClasses = new LinkedHashMap<>();
        for (String pair : args[5].substring("--main-classes=".length()).split(",")) {
            if (!pair.isBlank()) {
                String[] kv = pair.trim().split("=", 2);
                mainClasses.put(kv[0].trim(), kv.length == 2 ? kv[1].trim() : "");
            }
        }
        List<String> checked = new ArrayList<>();
        List<String> problems = check(Path.of(args[1]), args[2], args[3], args[4], mainClasses, checked);
        if (!problems.isEmpty()) {
            System.err.println("[jar-manifests] " + args[3] + ":");
            problems.forEach(p -> System.err.println("  " + p));
            System.exit(1);
        }
        System.out.println("[jar-manifests] Automatic-Module-Name " + args[4] + " in " + String.join(", ", checked));
    }

    /** The module name the project's naming rule gives an artifact: eventfold-foo-bar is dev.eventfold.foobar. */
    public static String expectedModuleName(String artifactId) {
        String rest = artifactId.startsWith("eventfold-") ? artifactId.substring("eventfold-".length()) : artifactId;
        return "dev.eventfold." + rest.replace("-", "");
    }

    /**
     * The problems of the jars in {@code buildDirectory}; empty when every jar is right. Adds a
     * description of each jar that was checked to {@code checked}.
     */
    public static List<String> check(Path buildDirectory, String finalName, String artifactId, String moduleName,
            Map<String, String> mainClasses, List<String> checked) {
        List<String> problems = new ArrayList<>();
        String expected = expectedModuleName(artifactId);
        if (!moduleName.equals(expected)) {
            problems.add("eventfold.moduleName is \"" + moduleName + "\"; " + artifactId + "/pom.xml must set it to "
                    + expected);
        }
        if (!SourceVersion.isName(moduleName)) {
            problems.add("\"" + moduleName + "\" is not a valid module name");
        }
        Path main = buildDirectory.resolve(finalName + ".jar");
        if (!Files.isRegularFile(main)) {
            problems.add("the module jar " + main + " was not built");
        }
        for (String jar : mainClasses.keySet()) {
            if (!Files.isRegularFile(buildDirectory.resolve(jar))) {
                problems.add(jar + " (which must have a Main-Class) was not built in " + buildDirectory);
            }
        }
        List<Path> jars;
        try (Stream<Path> files = Files.list(buildDirectory)) {
            jars = files.filter(f -> f.getFileName().toString().endsWith(".jar") && Files.isRegularFile(f))
                    .sorted().toList();
        } catch (IOException e) {
            problems.add("cannot list " + buildDirectory + ": " + e);
            return problems;
        }
        for (Path jar : jars) {
            String name = jar.getFileName().toString();
            try (JarFile file = new JarFile(jar.toFile())) {
                Manifest manifest = file.getManifest();
                Attributes attributes = manifest == null ? new Attributes() : manifest.getMainAttributes();
                String automatic = attributes.getValue("Automatic-Module-Name");
                if (automatic == null) {
                    problems.add(name + ": no Automatic-Module-Name in META-INF/MANIFEST.MF");
                } else if (!automatic.equals(moduleName)) {
                    problems.add(name + ": Automatic-Module-Name is \"" + automatic + "\", not " + moduleName);
                }
                String wantedMain = mainClasses.get(name);
                String actualMain = attributes.getValue("Main-Class");
                if (wantedMain != null) {
                    if (!wantedMain.equals(actualMain)) {
                        problems.add(name + ": Main-Class is " + (actualMain == null ? "missing" : "\"" + actualMain + "\"")
                                + ", not " + wantedMain);
                    } else if (file.getEntry(wantedMain.replace('.', '/') + ".class") == null) {
                        problems.add(name + ": Main-Class " + wantedMain + " is not in the jar");
                    }
                }
                checked.add(name + (actualMain != null ? " (Main-Class " + actualMain + ")" : ""));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + jar, e);
            }
        }
        return problems;
    }
}
