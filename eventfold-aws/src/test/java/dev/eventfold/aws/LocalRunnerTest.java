package dev.eventfold.aws;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventfold.fanout.StreamFanOut;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ShardIteratorType;

class LocalRunnerTest {

    static List<Thread> runnerThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("eventfold-stream-") && t.isAlive()).toList();
    }

    @Test
    void start_runs_one_thread_per_poller_and_close_ends_them() throws Exception {
        StreamPollerTest.StubStreams streams = new StreamPollerTest.StubStreams();
        streams.shards.add(StreamPollerTest.StubStreams.shard("a", null, false));
        List<Thread> before = runnerThreads();
        try (StreamFanOut fanOut = StreamFanOut.builder().build()) {
            LocalRunner runner = LocalRunner.builder()
                    .stream(new StreamPoller(streams, "arn", fanOut, ShardIteratorType.LATEST, 100))
                    .stream(new StreamPoller(streams, "arn", fanOut, ShardIteratorType.LATEST, 100))
                    .idlePause(Duration.ofMillis(5)).stopTimeout(Duration.ofSeconds(5))
                    .build().start();
            List<Thread> started = runnerThreads().stream().filter(t -> !before.contains(t)).toList();
            assertThat(started).hasSize(2).allSatisfy(t -> assertThat(t.isDaemon()).isTrue());
            // The pollers really run: each asked for its shard's iterator.
            for (int i = 0; i < 500 && streams.iteratorRequests.size() < 2; i++) {
                Thread.sleep(10);
            }
            assertThat(streams.iteratorRequests).hasSize(2);

            runner.close();
            assertThat(started).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
        }
    }
}
