package dev.eventfold.dynamodb.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.facade.Eventfold;
import dev.eventfold.facade.EventfoldConfig;
import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.InvalidInputException;
import dev.eventfold.dispatch.DispatchResult;
import dev.eventfold.dispatch.EventSpec;
import dev.eventfold.domain.AggregateId;
import dev.eventfold.domain.DomainEvents;
import dev.eventfold.domain.Event;
import dev.eventfold.domain.Field;
import dev.eventfold.dynamodb.EventTable;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

@ExtendWith(AwsExtension.class)
class EventfoldFacadeTest {

    @DomainEvents(aggregateType = "wallet", source = "billing")
    interface WalletEvents {
        @Event("Wallet.Funded")
        DispatchResult funded(@AggregateId String walletId, @Field("amount") long amount);
    }

    @AfterEach
    void reset() {
        Eventfold.reset();
    }

    @Test
    void using_it_before_init_fails_with_a_message_that_says_what_to_do() {
        assertThat(Eventfold.isInitialised()).isFalse();
        assertThatThrownBy(Eventfold::eventService).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("call Eventfold.init(EventfoldConfig)");
        assertThatThrownBy(() -> Eventfold.dispatchEvent("wallet", "w1", "Wallet.Funded", null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void init_with_region_endpoint_and_credentials_builds_a_working_store_and_dispatcher(AwsTestEnvironment aws) {
        String table = AwsTestEnvironment.uniqueName("facade");
        EventTable.create(aws.dynamoDb(), table);
        EventfoldConfig.Builder config = EventfoldConfig.builder().tableName(table).region(aws.region())
                .credentials(aws.credentials());
        aws.endpoint().ifPresent(config::endpoint);

        Eventfold.init(config.build());
        DispatchResult first = Eventfold.dispatchEvent("wallet", "wal_123", "Wallet.Funded", Map.of("amount", 5000));
        List<DispatchResult> more = Eventfold.dispatchEvents(List.of(
                EventSpec.of("wallet", "wal_123", "Wallet.Funded", Map.of("amount", 1)),
                EventSpec.of("wallet", "wal_123", "Wallet.Funded", Map.of("amount", 2))), true);
        DispatchResult typed = Eventfold.domain(WalletEvents.class).funded("wal_123", 3);

        assertThat(first.version()).isEqualTo(1);
        assertThat(more).extracting(DispatchResult::version).containsExactly(2L, 3L);
        assertThat(typed.version()).isEqualTo(4);
        assertThat(Eventfold.eventService().currentVersion(AggregateRef.of("wallet", "wal_123"))).isEqualTo(4);
    }

    @Test
    void init_with_a_client_uses_that_client(AwsTestEnvironment aws) {
        String table = AwsTestEnvironment.uniqueName("facade");
        DynamoDbClient client = aws.dynamoDb();
        EventTable.create(client, table);

        Eventfold.init(EventfoldConfig.builder().tableName(table).client(client).build());

        assertThat(Eventfold.dispatchEvent("wallet", "w1", "Wallet.Funded", null).version()).isEqualTo(1);
        assertThat(Eventfold.dispatcher().store()).isSameAs(Eventfold.eventService());
    }

    @Test
    void the_store_and_dispatcher_options_are_their_builders_own(AwsTestEnvironment aws) {
        String table = AwsTestEnvironment.uniqueName("facade-opts");
        software.amazon.awssdk.services.dynamodb.DynamoDbClient ddb = aws.dynamoDb();
        EventTable.create(ddb, table);
        Eventfold.init(EventfoldConfig.builder().client(ddb).tableName(table)
                .store(s -> s.idempotencyRecords(dev.eventfold.store.IdempotencyRecords.ALWAYS))
                .dispatcher(d -> d.retryPolicy(dev.eventfold.dispatch.RetryPolicy.none()))
                .build());

        DispatchResult r = Eventfold.dispatchEvent("wallet", "wal_9", "Wallet.Funded", Map.of("amount", 1));

        // ALWAYS: even a generated id gets its record (the default writes none for it).
        assertThat(Eventfold.eventService().findAppend(r.aggregate(), r.eventId())).isPresent();
        assertThat(Eventfold.dispatcher().retryPolicy()).isEqualTo(dev.eventfold.dispatch.RetryPolicy.none());
    }

    @Test
    void a_config_is_checked_when_built() {
        assertThatThrownBy(() -> EventfoldConfig.builder().build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("tableName");
        assertThatThrownBy(() -> EventfoldConfig.builder().tableName("t").versionCacheSize(-1).build())
                .isInstanceOf(InvalidInputException.class).hasMessageStartingWith("versionCacheSize");
        assertThat(EventfoldConfig.of("events").tableName()).isEqualTo("events");
    }
}
