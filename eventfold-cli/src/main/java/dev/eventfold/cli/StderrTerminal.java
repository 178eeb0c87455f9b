package dev.eventfold.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether stderr, where progress bars are drawn, is a terminal. Java 17 cannot ask this of
 * stderr: {@code System.console()} only says that stdin and stdout are a terminal, so
 * {@code eventfold verify 2> log} would still draw. We therefore also require that stderr is
 * visibly a terminal device: on Linux {@code /proc/self/fd/2} links to {@code /dev/pts/N} or
 * {@code /dev/ttyN}. Where that cannot be read (macOS, Windows, no /proc), stderr counts as
 * redirected and a bar is drawn only with {@code --progress}.
 *
 * <pre>{@code
 * boolean draw = StderrTerminal.detect();
 * }</pre>
 */
final class StderrTerminal {
    static final Path STDERR_LINK = Path.of("/proc/self/fd/2");

    private StderrTerminal() {
    }

    static boolean detect() {
        return System.console() != null && isTerminalLink(STDERR_LINK);
    }

    /** True when {@code fdLink} is a symbolic link to a terminal device. */
    static boolean isTerminalLink(Path fdLink) {
        try {
            if (!Files.isSymbolicLink(fdLink)) {
                return false;
            }
            String target = Files.readSymbolicLink(fdLink).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
