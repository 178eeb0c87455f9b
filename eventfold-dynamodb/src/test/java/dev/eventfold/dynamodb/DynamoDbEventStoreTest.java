package dev.eventfold.dynamodb;

import dev.eventfold.core.AppendResult;
import dev.eventfold.core.EventRecord;
import dev.eventfold.store.AppendRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import java.util.List;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventfold.core.AggregateRef;
import dev.eventfold.core.ConcurrencyConflictException;
import dev.eventfold.core.CorruptItemException;
import dev.eventfold.core.EventStoreException;
import dev.eventfold.core.NewEvent;
import dev.eventfold.store.EventQuery;
import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.FaultInjector;
import dev.eventfold.testkit.FaultInjector.Fault;
import dev.eventfold.testkit.RequestCounter;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** What only the DynamoDB store has: request counts, SDK failures, items planted by others. */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamoDbEventStoreTest {
    private final RequestCounter requests = new RequestCounter();
    private final FaultInjector faults = new FaultInjector();
    /** The ClientRequestToken of every TransactWriteItems, in order, as the SDK sends it. */
    private final List<String> tokens = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final ExecutionInterceptor tokenRecorder = new ExecutionInterceptor() {
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            if (context.request() instanceof TransactWriteItemsRequest r) {
                tokens.add(r.clientRequestToken());
            }
        }
    };
    private DynamoDbClient raw;
    private String table;
    private DynamoDbEventStore store;
    private DynamoDbEventStore noSdkRetries;

    @BeforeAll
    void setUp(AwsTestEnvironment aws) {
        raw = aws.dynamoDb();
        table = AwsTestEnvironment.uniqueName("ddb");
        EventTable.create(raw, table);
        store = DynamoDbEventStore.builder().client(aws.dynamoDb(faults, requests)).tableName(table).build();
        DynamoDbClient bare = aws.configure(DynamoDbClient.builder(), faults, requests)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(tokenRecorder).addExecutionInterceptor(faults).addExecutionInterceptor(requests)
                        .retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()).build())
                .build();
        noSdkRetries = DynamoDbEventStore.builder().client(bare).tableName(table).build();
    }

    @BeforeEach
    void reset() {
        requests.reset();
        faults.clear();
        tokens.clear();
    }

    private static AggregateRef fresh() {
        return AggregateRef.of("acct", UUID.randomUUID().toString());
    }

    private static NewEvent event(int n) {
        return NewEvent.builder().eventId("evt-" + UUID.randomUUID()).eventType("Acct.Touched").payload(Map.of("n", n)).build();
    }

    @Nested
    class RequestCounts {
        @Test
        void an_append_at_a_known_version_is_exactly_one_request() {
            AggregateRef a = fresh();
            store.appendEvent(a, 0, event(1));
            requests.reset();

            store.appendEvent(a, 1, event(2));

            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 1L));
        }

        @Test
        void fifty_events_append_in_one_request() {
            AggregateRef a = fresh();

            store.appendEvents(a, 0, IntStream.range(0, 50).mapToObj(DynamoDbEventStoreTest::event).toList());

            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 1L));
            assertThat(store.currentVersion(a)).isEqualTo(50);
        }

        @Test
        void a_conflict_is_decided_from_the_returned_head_in_one_request_when_nothing_was_claimed() {
            AggregateRef a = fresh();
            store.appendEvent(a, 0, event(1));
            requests.reset();

            assertThatThrownBy(() -> store.appendEvent(a, 3, event(2))).isInstanceOf(ConcurrencyConflictException.class);

            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 1L));
        }

        @Test
        void a_conflict_past_the_expected_version_and_a_recognised_repeat_each_cost_one_request() {
            AggregateRef a = fresh();
            NewEvent first = event(1);
            store.appendEvent(a, 0, first);
            store.appendEvent(a, 1, event(2));
            requests.reset();

            assertThatThrownBy(() -> store.appendEvent(a, 0, event(3))).isInstanceOf(ConcurrencyConflictException.class);
            var repeat = store.appendEvent(a, 0, first);

            assertThat(repeat.alreadyAppended()).isTrue();
            assertThat(requests.snapshot()).isEqualTo(Map.of("TransactWriteItems", 2L));
        }

        @Test
        void a_listing_page_is_one_query() {
            AggregateRef a = fresh();
            store.appendEvents(a, 0, IntStream.range(0, 30).mapToObj(DynamoDbEventStoreTest::event).toList());
            requests.reset();

            assertThat(store.listEvents(EventQuery.of(a).limit(10)).data()).hasSize(10);

            assertThat(requests.snapshot()).isEqualTo(Map.of("Query", 1L));
        }
    }

    @Nested
    class Failures {
        @Test
        void throttling_surfaces_typed_and_retryable_when_the_sdk_gives_up() {
            AggregateRef a = fresh();
            faults.next("TransactWriteItems", Fault.THROTTLE);

            assertThatThrownBy(() -> noSdkRetries.appendEvent(a, 0, event(1)))
                    .isInstanceOfSatisfying(EventStoreException.class, e -> {
                        assertThat(e.kind()).isEqualTo(EventStoreException.Kind.THROTTLED);
                        assertThat(e.isRetryable()).isTrue();
                    });
            assertThat(store.getHead(a)).isEmpty();
        }

        @Test
        void the_sdk_retries_a_throttled_append_and_it_lands_once() {
            AggregateRef a = fresh();
            faults.next("TransactWriteItems", Fault.THROTTLE);

            store.appendEvent(a, 0, event(1));

            // The throttled attempt was stopped before it left; the SDK's retry is the one request sent.
            assertThat(faults.injected()).isEqualTo(1);
            assertThat(requests.count("TransactWriteItems")).isEqualTo(1);
            assertThat(store.listEvents(EventQuery.of(a)).data()).hasSize(1);
        }

        @Test
        void a_server_error_on_a_write_is_an_unknown_outcome() {
            faults.next("TransactWriteItems", Fault.SERVER_ERROR);
            assertThatThrownBy(() -> noSdkRetries.appendEvent(fresh(), 0, event(1)))
                    .isInstanceOfSatisfying(EventStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(EventStoreException.Kind.UNKNOWN_OUTCOME));
        }

        @Test
        void a_lost_response_without_sdk_retries_is_an_unknown_outcome_and_a_retry_is_recognised() {
            AggregateRef a = fresh();
            NewEvent e = event(1);
            faults.next("TransactWriteItems", Fault.LOSE_RESPONSE);

            assertThatThrownBy(() -> noSdkRetries.appendEvent(a, 0, e))
                    .isInstanceOfSatisfying(EventStoreException.class,
                            x -> assertThat(x.kind()).isEqualTo(EventStoreException.Kind.UNKNOWN_OUTCOME));
            var retry = noSdkRetries.appendEvent(a, 0, e);

            assertThat(retry.alreadyAppended()).isTrue();
            assertThat(store.listEvents(EventQuery.of(a)).data()).hasSize(1);
        }

        @Test
        void a_transaction_cancelled_for_throttling_is_retryable_throttling_not_a_conflict() {
            faults.next("TransactWriteItems", Fault.TRANSACTION_THROTTLED);
            assertThatThrownBy(() -> noSdkRetries.appendEvent(fresh(), 0, event(1)))
                    .isInstanceOfSatisfying(EventStoreException.class,
                            e -> assertThat(e.kind()).isEqualTo(EventStoreException.Kind.THROTTLED));
        }

        @Test
        void a_transaction_cancelled_for_a_validation_error_is_rejected_for_good() {
            faults.next("TransactWriteItems", Fault.TRANSACTION_VALIDATION_ERROR);
            assertThatThrownBy(() -> noSdkRetries.appendEvent(fresh(), 0, event(1)))
                    .isInstanceOfSatisfying(EventStoreException.class, e -> {
                        assertThat(e.kind()).isEqualTo(EventStoreException.Kind.REJECTED);
                        assertThat(e.isRetryable()).isFalse();
                    });
        }

        @Test
        void a_missing_table_is_rejected_for_good() {
            DynamoDbEventStore nowhere = DynamoDbEventStore.builder().client(raw).tableName("no-such-table").build();
            assertThatThrownBy(() -> nowhere.getHead(fresh()))
                    .isInstanceOfSatisfying(EventStoreException.class, e -> assertThat(e.isRetryable()).isFalse());
        }
    }

    @Nested
    class ClientRequestTokens {
        @Test
        void a_resend_of_the_same_request_carries_the_same_token_and_a_rebased_one_another() {
            AggregateRef a = fresh();
            noSdkRetries.appendEvent(a, 0, event(1));
            AppendRequest request = AppendRequest.of(a, 0, event(2)).at(java.time.Instant.parse("2026-12-01T10:00:00Z"));
            faults.next("TransactWriteItems", Fault.LOSE_RESPONSE);
            tokens.clear();

            assertThatThrownBy(() -> noSdkRetries.append(request)).isInstanceOfSatisfying(EventStoreException.class,
                    x -> assertThat(x.kind()).isEqualTo(EventStoreException.Kind.UNKNOWN_OUTCOME));
            assertThatThrownBy(() -> noSdkRetries.append(request)).isInstanceOf(ConcurrencyConflictException.class);
            AppendResult rebased = noSdkRetries.append(request.withExpectedVersion(1));

            assertThat(rebased.firstVersion()).isEqualTo(2);
            assertThat(tokens).hasSize(3).doesNotContainNull();
            assertThat(tokens.get(0)).isEqualTo(tokens.get(1)).hasSizeLessThanOrEqualTo(36);
            assertThat(tokens.get(2)).isNotEqualTo(tokens.get(0)).hasSizeLessThanOrEqualTo(36);
        }

        @Test
        void a_token_held_for_an_append_that_landed_is_recognised_by_the_event_at_the_claimed_version() {
            AggregateRef a = fresh();
            NewEvent e = event(1);
            faults.next("TransactWriteItems", Fault.LOSE_RESPONSE);
            assertThatThrownBy(() -> noSdkRetries.appendEvent(a, 0, e)).isInstanceOf(EventStoreException.class);
            faults.next("TransactWriteItems", Fault.IDEMPOTENT_PARAMETER_MISMATCH);
            requests.reset();

            AppendResult again = noSdkRetries.appendEvent(a, 0, e);

            assertThat(again.alreadyAppended()).isTrue();
            // The lost response, then the mismatch answered to the resend (both injected before the
            // counter), and one read of the claimed version.
            assertThat(faults.injected()).isEqualTo(2);
            assertThat(requests.snapshot()).isEqualTo(Map.of("GetItem", 1L));
            assertThat(store.listEvents(EventQuery.of(a)).data()).extracting(EventRecord::eventId).containsExactly(e.eventId());
        }

        @Test
        void a_token_held_for_an_append_that_did_not_land_is_sent_again_with_a_fresh_token_and_lands_once() {
            AggregateRef a = fresh();
            NewEvent e = event(1);
            faults.next("TransactWriteItems", Fault.IDEMPOTENT_PARAMETER_MISMATCH);

            AppendResult r = noSdkRetries.appendEvent(a, 0, e);

            assertThat(r.alreadyAppended()).isFalse();
            assertThat(tokens).hasSize(2);
            assertThat(tokens.get(1)).isNotEqualTo(tokens.get(0));
            assertThat(store.listEvents(EventQuery.of(a)).data()).extracting(EventRecord::eventId).containsExactly(e.eventId());
        }
    }

    @Nested
    class ItemsWrittenByOthers {
        @Test
        void a_multi_event_append_colliding_with_an_existing_event_item_writes_nothing() {
            AggregateRef a = fresh();
            store.appendEvent(a, 0, event(1));
            // An event item at version 3 without a head that says so: a foreign or broken writer.
            raw.putItem(b -> b.tableName(table).item(Map.of("pk", s(a.pk()), "sk", s("EVT#000000003"),
                    "itemType", s("event"), "eventId", s("evt-foreign"), "eventType", s("X"),
                    "aggregateType", s("acct"), "aggregateId", s(a.aggregateId()), "version", AttributeValue.fromN("3"))));

            // Not a conflict a retry could win: the item was written outside the head's protection.
            assertThatThrownBy(() -> store.appendEvents(a, 1, List.of(event(2), event(3), event(4))))
                    .isInstanceOfSatisfying(CorruptItemException.class, e -> {
                        assertThat(e.pk()).isEqualTo(a.pk());
                        assertThat(e.sk()).isEqualTo("EVT#000000003");
                    });

            assertThat(store.currentVersion(a)).isEqualTo(1);
            assertThat(store.getEvent(a, 2)).isEmpty();
            assertThat(store.getEvent(a, 4)).isEmpty();
            assertThat(store.getEvent(a, 3).orElseThrow().eventId()).isEqualTo("evt-foreign");
        }

        @Test
        void a_corrupt_event_item_is_reported_with_its_keys_not_a_null_pointer() {
            AggregateRef a = fresh();
            raw.putItem(b -> b.tableName(table).item(Map.of("pk", s(a.pk()), "sk", s("EVT#000000001"),
                    "itemType", s("event"), "eventId", s("evt-x"), "eventType", AttributeValue.fromN("7"))));

            assertThatThrownBy(() -> store.getEvent(a, 1))
                    .isInstanceOfSatisfying(CorruptItemException.class, e -> {
                        assertThat(e.pk()).isEqualTo(a.pk());
                        assertThat(e.sk()).isEqualTo("EVT#000000001");
                        assertThat(e.reason()).contains("eventType");
                    });
            assertThatThrownBy(() -> store.listEvents(EventQuery.of(a))).isInstanceOf(CorruptItemException.class);
        }

        @Test
        void a_head_without_a_version_is_reported_as_corrupt() {
            AggregateRef a = fresh();
            raw.putItem(b -> b.tableName(table).item(Map.of("pk", s(a.pk()), "sk", s("HEAD"), "lastEventId", s("x"))));

            assertThatThrownBy(() -> store.getHead(a))
                    .isInstanceOfSatisfying(CorruptItemException.class, e -> assertThat(e.sk()).isEqualTo("HEAD"));
        }
    }

    @Nested
    class IdempotencyRecords {
        @Test
        void each_append_writes_one_record_beside_its_events_with_an_expiry() {
            AggregateRef a = fresh();
            store.append(new dev.eventfold.store.AppendRequest(a, 0, List.of(event(1), event(2)), "cmd-42"));

            Map<String, AttributeValue> record = raw.getItem(b -> b.tableName(table).key(Map.of(
                    "pk", s(a.pk()), "sk", s("IDEM#cmd-42")))).item();

            assertThat(record.get("itemType").s()).isEqualTo("idempotency");
            assertThat(record.get("firstVersion").n()).isEqualTo("1");
            assertThat(record.get("lastVersion").n()).isEqualTo("2");
            assertThat(Long.parseLong(record.get("expiresAt").n()))
                    .isBetween(java.time.Instant.now().plus(java.time.Duration.ofDays(6)).getEpochSecond(),
                            java.time.Instant.now().plus(java.time.Duration.ofDays(8)).getEpochSecond());
        }

        @Test
        void turned_off_the_partition_holds_exactly_the_reference_items(AwsTestEnvironment aws) {
            DynamoDbEventStore referenceLayout = DynamoDbEventStore.builder().client(raw).tableName(table)
                    .idempotencyRecords(false).build();
            AggregateRef a = fresh();
            referenceLayout.appendEvent(a, 0, event(1));
            referenceLayout.appendEvent(a, 1, event(2));

            var sks = raw.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                    .expressionAttributeValues(Map.of(":pk", s(a.pk())))).items().stream().map(i -> i.get("sk").s()).toList();

            assertThat(sks).containsExactly("EVT#000000001", "EVT#000000002", "HEAD");
        }
    }

    @Nested
    class Configuration {
        @Test
        void a_store_needs_a_table_name() {
            assertThatThrownBy(() -> DynamoDbEventStore.builder().client(raw).build())
                    .isInstanceOf(dev.eventfold.core.InvalidInputException.class);
        }

        @Test
        void a_store_configured_by_endpoint_builds_its_client_on_first_use(AwsTestEnvironment aws) {
            var lazy = DynamoDbEventStore.builder().tableName(table).region(aws.region()).credentials(aws.credentials());
            aws.endpoint().ifPresent(lazy::endpoint);
            DynamoDbEventStore built = lazy.build();
            AggregateRef a = fresh();

            built.appendEvent(a, 0, event(1));

            assertThat(store.currentVersion(a)).isEqualTo(1);
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
