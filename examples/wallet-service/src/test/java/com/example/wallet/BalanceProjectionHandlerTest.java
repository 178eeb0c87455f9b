package com.example.wallet;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.listener.QueueMessage;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener on the embedded runtime: events the command side appended go through the fan-out
 * and the FIFO queue to {@code handleRequest(SQSEvent, Context)}, and reach the read model once.
 */
class BalanceProjectionHandlerTest {
    final EmbeddedWalletService service = new EmbeddedWalletService();

    @AfterEach
    void close() {
        service.close();
    }

    long checkpoint(String walletId) {
        return service.projector.checkpoint(AggregateRef.of("wallet", walletId));
    }

    @Test
    void deposits_and_withdrawals_reach_the_read_model_with_no_failure_reported() {
        service.deposit("w-1", "r-1", 5000);
        service.withdraw("w-1", "r-2", 1200);
        service.deposit("w-2", "r-1", 300);

        List<SQSBatchResponse> responses = service.deliver();

        assertThat(responses).isNotEmpty().allSatisfy(r -> assertThat(r.getBatchItemFailures()).isEmpty());
        assertThat(service.balances).containsExactlyInAnyOrderEntriesOf(Map.of("w-1", 3800L, "w-2", 300L));
        assertThat(checkpoint("w-1")).isEqualTo(2);
        assertThat(service.queue().depth()).isZero();
    }

    @Test
    void a_retried_request_reaches_the_read_model_once() {
        service.deposit("w-1", "r-1", 5000);
        service.deposit("w-1", "r-1", 5000);

        service.deliver();

        assertThat(service.queue().acceptedBodies()).hasSize(1);
        assertThat(service.balance("w-1")).isEqualTo(5000);
    }

    @Test
    void a_redelivered_batch_changes_nothing() {
        service.deposit("w-1", "r-1", 5000);
        service.withdraw("w-1", "r-2", 1200);
        service.fanOut();
        List<QueueMessage> batch = service.queue().receive(10);
        assertThat(service.handle(batch).getBatchItemFailures()).isEmpty();

        // SQS delivers at least once: the same messages again (a lost delete, a visibility timeout).
        SQSBatchResponse again = service.handle(batch);

        assertThat(again.getBatchItemFailures()).isEmpty();
        assertThat(service.balance("w-1")).isEqualTo(3800);
        assertThat(checkpoint("w-1")).isEqualTo(2);
    }

    @Test
    void an_event_delivered_before_the_ones_it_follows_brings_them_from_the_store_first() {
        service.deposit("w-1", "r-1", 5000);
        service.withdraw("w-1", "r-2", 1200);
        service.deposit("w-1", "r-3", 100);
        service.fanOut();
        List<QueueMessage> batch = service.queue().receive(10);
        assertThat(batch).hasSize(3);

        // Only the third arrives; the first two are late (or lost).
        assertThat(service.handle(List.of(batch.get(2))).getBatchItemFailures()).isEmpty();
        assertThat(service.balance("w-1")).isEqualTo(3900);
        assertThat(checkpoint("w-1")).isEqualTo(3);

        assertThat(service.handle(batch.subList(0, 2)).getBatchItemFailures()).isEmpty();
        assertThat(service.balance("w-1")).isEqualTo(3900);
    }

    @Test
    void a_message_that_is_not_an_event_fails_alone_and_the_others_are_applied() {
        service.deposit("w-1", "r-1", 5000);
        service.fanOut();
        QueueMessage good = service.queue().receive(10).get(0);
        QueueMessage bad = new QueueMessage("m-bad", "not an event", "w-9");

        SQSBatchResponse r = service.handle(List.of(bad, good));

        assertThat(EmbeddedWalletService.failedIds(r)).containsExactly("m-bad");
        assertThat(service.balance("w-1")).isEqualTo(5000);
    }

    @Test
    void events_of_other_types_are_acknowledged_and_leave_the_balance_alone() {
        service.deposit("w-1", "r-1", 5000);
        service.dispatcher.dispatchEvent(EventSpec.of("wallet", "w-1", "Wallet.Renamed", Map.of("name", "savings")));
        service.deposit("w-1", "r-2", 100);

        List<SQSBatchResponse> responses = service.deliver();

        assertThat(responses).allSatisfy(r -> assertThat(r.getBatchItemFailures()).isEmpty());
        assertThat(service.balance("w-1")).isEqualTo(5100);
        assertThat(checkpoint("w-1")).isEqualTo(3); // moved past the rename, read from the store
        assertThat(service.queue().depth()).isZero();
    }
}
