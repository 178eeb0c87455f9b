package dev.eventfold.testkit.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.eventfold.testkit.AwsExtension;
import dev.eventfold.testkit.AwsTestEnvironment;
import dev.eventfold.testkit.fleet.FaultProxy.Fault;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ThrottlingException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The proxy itself, against moto with a real SDK client: each fault kind reaches the SDK as the
 * exception DynamoDB's own answer would produce, and applied faults are applied (checked directly
 * at moto), the others not.
 */
@ExtendWith(AwsExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FaultProxyTest {
    static {
        System.setProperty("sun.net.http.retryPost", "false"); // see FleetWriter.main
    }

    private static final Duration ATTEMPT = Duration.ofMillis(700);
    private URI moto;
    private DynamoDbClient direct;
    private final String table = AwsTestEnvironment.uniqueName("proxy");

    @BeforeAll
    void createTable(AwsTestEnvironment aws) {
        assumeThat(aws.isEmulator()).as("the proxy forwards to an emulator endpoint").isTrue();
        moto = aws.endpoint().orElseThrow();
        direct = aws.dynamoDb();
        direct.createTable(b -> b.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(a -> a.attributeName("pk").attributeType(ScalarAttributeType.S),
                        a -> a.attributeName("sk").attributeType(ScalarAttributeType.S))
                .keySchema(k -> k.attributeName("pk").keyType(KeyType.HASH),
                        k -> k.attributeName("sk").keyType(KeyType.RANGE)));
    }

    @Test
    void withoutFaultsEverythingIsForwarded() {
        try (FaultProxy proxy = proxy(FaultProxy.Rates.none()); DynamoDbClient c = client(proxy)) {
            put(c, "plain");
            assertThat(c.getItem(b -> b.tableName(table).key(key("plain"))).item()).containsKey("v");
            assertThat(proxy.forwarded()).containsEntry("PutItem", 1L).containsEntry("GetItem", 1L);
            assertThat(proxy.injected().values()).allMatch(n -> n == 0);
        }
    }

    @Test
    void throttlingIsDynamoDbsThrottlingException() {
        try (FaultProxy proxy = proxy(rates("GetItem", Fault.THROTTLE)); DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> c.getItem(b -> b.tableName(table).key(key("t"))))
                    .isInstanceOf(ThrottlingException.class)
                    .satisfies(e -> {
                        AwsServiceException s = (AwsServiceException) e;
                        assertThat(s.statusCode()).isEqualTo(400);
                        assertThat(s.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
                        assertThat(s.isThrottlingException()).isTrue();
                    });
            assertThat(proxy.injected(Fault.THROTTLE)).isEqualTo(1);
            assertThat(proxy.forwarded()).doesNotContainKey("GetItem");
        }
    }

    @Test
    void serverErrorBeforeForwardingIsNotApplied() {
        try (FaultProxy proxy = proxy(rates("PutItem", Fault.SERVER_ERROR)); DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> put(c, "e500")).isInstanceOf(InternalServerErrorException.class)
                    .satisfies(e -> assertThat(((AwsServiceException) e).statusCode()).isEqualTo(500));
            assertThat(applied("e500")).isFalse();
        }
    }

    @Test
    void serverErrorAfterForwardingIsApplied() {
        try (FaultProxy proxy = proxy(rates("PutItem", Fault.SERVER_ERROR_AFTER)); DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> put(c, "e500after")).isInstanceOf(InternalServerErrorException.class);
            assertThat(applied("e500after")).isTrue();
            assertThat(proxy.injected(Fault.SERVER_ERROR_AFTER)).isEqualTo(1);
        }
    }

    @Test
    void lostResponseIsAppliedAndAClientError() {
        try (FaultProxy proxy = proxy(rates("PutItem", Fault.LOST_RESPONSE)); DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> put(c, "lost")).isInstanceOf(SdkClientException.class)
                    .isNotInstanceOf(AwsServiceException.class);
            assertThat(applied("lost")).isTrue();
        }
    }

    @Test
    void resetIsNotApplied() {
        try (FaultProxy proxy = proxy(rates("PutItem", Fault.RESET)); DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> put(c, "reset")).isInstanceOf(SdkClientException.class);
            assertThat(applied("reset")).isFalse();
        }
    }

    @Test
    void timeoutIsAppliedAndTheAttemptTimesOut() {
        try (FaultProxy proxy = proxy(rates("PutItem", Fault.TIMEOUT)); DynamoDbClient c = client(proxy)) {
            long t0 = System.nanoTime();
            assertThatThrownBy(() -> put(c, "slow"))
                    .isInstanceOfAny(ApiCallAttemptTimeoutException.class, ApiCallTimeoutException.class);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(ATTEMPT.multipliedBy(3));
            assertThat(applied("slow")).isTrue();
        }
    }

    @Test
    void transactionConflictHasOneReasonPerActionAndIsNotApplied() {
        try (FaultProxy proxy = proxy(rates("TransactWriteItems", Fault.TRANSACTION_CONFLICT));
             DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> transact(c, "tx-a", "tx-b", "tx-c"))
                    .isInstanceOf(TransactionCanceledException.class)
                    .satisfies(e -> {
                        TransactionCanceledException t = (TransactionCanceledException) e;
                        assertThat(t.statusCode()).isEqualTo(400);
                        assertThat(t.cancellationReasons()).hasSize(3).extracting(CancellationReason::code)
                                .containsOnly("TransactionConflict");
                        assertThat(t.getMessage()).contains("TransactionConflict");
                    });
            assertThat(applied("tx-a")).isFalse();
        }
    }

    @Test
    void theResendOfAnUnansweredTransactionMeetsAConflict() {
        FaultProxy.Rates r = FaultProxy.Rates.builder().rate("TransactWriteItems", Fault.LOST_RESPONSE, 1.0)
                .resendConflictRate(1.0).build();
        try (FaultProxy proxy = proxy(r); DynamoDbClient c = client(proxy)) {
            assertThatThrownBy(() -> transact(c, "re-a", "re-b")).isInstanceOf(SdkClientException.class);
            assertThatThrownBy(() -> transact(c, "re-a", "re-b")).isInstanceOf(TransactionCanceledException.class)
                    .satisfies(e -> assertThat(((TransactionCanceledException) e).cancellationReasons())
                            .extracting(CancellationReason::code).containsExactly("TransactionConflict", "TransactionConflict"));
            assertThat(applied("re-a")).isTrue();
            assertThat(proxy.injected()).containsEntry(Fault.LOST_RESPONSE, 1L).containsEntry(Fault.CONFLICT_ON_RESEND, 1L);
            assertThat(proxy.forwarded()).containsEntry("TransactWriteItems", 1L);
        }
    }

    @Test
    void badRatesAreRefusedClearly() {
        assertThatThrownBy(() -> FaultProxy.Rates.builder().rate("GetItem", Fault.TRANSACTION_CONFLICT, 0.1))
                .hasMessageContaining("only exists for TransactWriteItems");
        assertThatThrownBy(() -> FaultProxy.Rates.builder().rate("GetItem", Fault.THROTTLE, 1.5))
                .hasMessageContaining("between 0 and 1");
        assertThatThrownBy(() -> FaultProxy.Rates.builder().rate("GetItem", Fault.THROTTLE, 0.6)
                .rate("GetItem", Fault.RESET, 0.6).build()).hasMessageContaining("more than 1");
        assertThatThrownBy(() -> FaultProxy.builder().upstream(URI.create("https://dynamodb.us-east-1.amazonaws.com")).start())
                .hasMessageContaining("http://");
    }

    private FaultProxy proxy(FaultProxy.Rates rates) {
        return FaultProxy.builder().upstream(moto).rates(rates).seed(7).holdFor(ATTEMPT.multipliedBy(2)).start();
    }

    private static FaultProxy.Rates rates(String op, Fault fault) {
        return FaultProxy.Rates.builder().rate(op, fault, 1.0).build();
    }

    private static DynamoDbClient client(FaultProxy proxy) {
        return DynamoDbClient.builder().endpointOverride(proxy.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(5)).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder().apiCallAttemptTimeout(ATTEMPT)
                        .retryStrategy(b -> b.maxAttempts(1)).build())
                .build();
    }

    private void put(DynamoDbClient c, String id) {
        c.putItem(b -> b.tableName(table).item(Map.of("pk", s(id), "sk", s("x"), "v", s("1"))));
    }

    private void transact(DynamoDbClient c, String... ids) {
        List<TransactWriteItem> items = java.util.Arrays.stream(ids)
                .map(id -> TransactWriteItem.builder().put(p -> p.tableName(table)
                        .item(Map.of("pk", s(id), "sk", s("x"), "v", s("1")))).build())
                .toList();
        c.transactWriteItems(b -> b.transactItems(items));
    }

    private boolean applied(String id) {
        return direct.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true)).hasItem()
                && !direct.getItem(b -> b.tableName(table).key(key(id)).consistentRead(true)).item().isEmpty();
    }

    private static Map<String, AttributeValue> key(String id) {
        return Map.of("pk", s(id), "sk", s("x"));
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }
}
