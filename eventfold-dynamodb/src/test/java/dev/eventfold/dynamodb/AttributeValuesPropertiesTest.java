package dev.eventfold.dynamodb;

import dev.eventfold.dynamodb.internal.AttributeValues;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventfold.core.json.EventJson;
import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** JSON survives the trip through DynamoDB attribute values: structure, strings and exact numbers. */
class AttributeValuesPropertiesTest {
    private static final JsonNodeFactory NODES = EventJson.mapper().getNodeFactory();

    @Property(tries = 500)
    void any_storable_json_round_trips_exactly(@ForAll("json") JsonNode json) {
        JsonNode back = AttributeValues.toJson(AttributeValues.fromJsonValue(json));

        assertThat(EventJson.equivalent(back, json)).as(json.toString()).isTrue();
    }

    @Property(tries = 500)
    void numbers_keep_every_digit_and_integers_stay_integral(@ForAll("numbers") JsonNode n) {
        JsonNode back = AttributeValues.toJson(AttributeValues.fromJsonValue(n));

        assertThat(back.decimalValue()).isEqualByComparingTo(n.decimalValue());
        if (n.isIntegralNumber()) {
            assertThat(back.isIntegralNumber()).isTrue();
            assertThat(back.bigIntegerValue()).isEqualTo(n.bigIntegerValue());
        }
    }

    @Provide
    Arbitrary<JsonNode> numbers() {
        Arbitrary<JsonNode> ints = Arbitraries.bigIntegers()
                .between(BigInteger.TEN.pow(38).negate().add(BigInteger.ONE), BigInteger.TEN.pow(38).subtract(BigInteger.ONE))
                .map(NODES::numberNode);
        Arbitrary<JsonNode> decimals = Arbitraries.bigDecimals()
                .between(new BigDecimal("-1E20"), new BigDecimal("1E20")).ofScale(18)
                .map(d -> (JsonNode) NODES.numberNode(d));
        Arbitrary<JsonNode> small = Arbitraries.integers().between(-130, 120)
                .flatMap(exp -> Arbitraries.longs().between(1, 999_999_999_999L)
                        .map(m -> (JsonNode) NODES.numberNode(new BigDecimal(BigInteger.valueOf(m), -exp))));
        return Arbitraries.oneOf(ints, decimals, small);
    }

    @Provide
    Arbitrary<JsonNode> json() {
        return node(3);
    }

    private Arbitrary<JsonNode> node(int depth) {
        Arbitrary<JsonNode> leaf = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(20).map(s -> (JsonNode) NODES.textNode(s)),
                numbers(),
                Arbitraries.of(true, false).map(b -> (JsonNode) NODES.booleanNode(b)),
                Arbitraries.just(NODES.nullNode()));
        if (depth == 0) {
            return leaf;
        }
        Arbitrary<JsonNode> array = node(depth - 1).list().ofMaxSize(4).map(items -> {
            ArrayNode a = NODES.arrayNode();
            items.forEach(a::add);
            return a;
        });
        Arbitrary<JsonNode> object = Arbitraries.maps(Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8),
                node(depth - 1)).ofMaxSize(4).map(fields -> {
                    ObjectNode o = NODES.objectNode();
                    fields.forEach(o::set);
                    return o;
                });
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(1, array), net.jqwik.api.Tuple.of(1, object));
    }
}
