package dev.eventfold.testkit.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.zip.CRC32;

/**
 * A fault-injecting HTTP proxy on loopback for DynamoDB's JSON protocol: SDK clients of separate
 * processes point their endpoint at it, it forwards to the real endpoint (moto) and, per operation
 * (the {@code X-Amz-Target} header) and by rates drawn from a seeded random, answers wrongly the
 * way DynamoDB and networks do. Unlike {@code FaultInjector} (an SDK interceptor inside one
 * client), the faults reach every process through its real HTTP stack: sockets really reset, the
 * server really applies a request whose answer is then dropped.
 *
 * <pre>{@code
 * FaultProxy.Rates rates = FaultProxy.Rates.builder()
 *     .rate("TransactWriteItems", FaultProxy.Fault.LOST_RESPONSE, 0.05)
 *     .rate("TransactWriteItems", FaultProxy.Fault.TRANSACTION_CONFLICT, 0.05)
 *     .resendConflictRate(0.5)
 *     .build();
 * try (FaultProxy proxy = FaultProxy.builder().upstream(moto).rates(rates).seed(42)
 *         .holdFor(Duration.ofSeconds(3)).start()) {
 *     DynamoDbClient ddb = DynamoDbClient.builder().endpointOverride(proxy.endpoint())...build();
 *     ...
 *     proxy.injected(); // {LOST_RESPONSE=3, TRANSACTION_CONFLICT=2, ...}
 * }
 * }</pre>
 *
 * <p>Error bodies have DynamoDB's documented JSON shape ({@code __type} =
 * {@code com.amazonaws.dynamodb.v20120810#<Code>}, {@code message}; a cancelled transaction
 * carries {@code CancellationReasons}, one per action in request order, and {@code Message}), with
 * {@code Content-Type: application/x-amz-json-1.0}, a request id and the {@code x-amz-crc32}
 * checksum DynamoDB sends, so the SDK parses them into its own exception types.
 */
public final class FaultProxy implements AutoCloseable {
    /** What the proxy can do to one request. */
    public enum Fault {
        /** Forward, let the server apply it, then reset the connection without answering. */
        LOST_RESPONSE(true),
        /** Reset the connection before forwarding: nothing applied. */
        RESET(false),
        /** Forward, let the server apply it, hold the answer past the client's attempt timeout, then reset. */
        TIMEOUT(true),
        /** Answer 400 {@code ThrottlingException} without forwarding. */
        THROTTLE(false),
        /** Answer 500 {@code InternalServerError} without forwarding. */
        SERVER_ERROR(false),
        /** Forward, let the server apply it, then answer 500 {@code InternalServerError}: outcome unknown to the client. */
        SERVER_ERROR_AFTER(true),
        /** {@code TransactWriteItems} only: answer 400 {@code TransactionCanceledException}, every reason {@code TransactionConflict}, without forwarding. */
        TRANSACTION_CONFLICT(false),
        /**
         * {@code TransactWriteItems} only, drawn by {@link Rates#resendConflictRate()}: the same transaction
         * (the same item keys) sent again after one of the applied-but-unanswered faults above is answered
         * like {@link #TRANSACTION_CONFLICT}, without forwarding. This is DynamoDB's real answer while the
         * first attempt is still in flight, and the case where a dispatcher must not simply re-base.
         */
        CONFLICT_ON_RESEND(false);

        private final boolean applied;

        Fault(boolean applied) {
            this.applied = applied;
        }

        /** True when the server applied the request although the client got no success. */
        public boolean applied() {
            return applied;
        }
    }

    static final String TRANSACT_WRITE_ITEMS = "TransactWriteItems";
    private static final String ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers {@link HttpClient} sets itself or refuses, and hop-by-hop headers: never copied. */
    private static final Set<String> NOT_COPIED = Set.of("connection", "content-length", "date", "expect", "from",
            "host", "upgrade", "via", "warning", "keep-alive", "transfer-encoding", "te", "trailer",
            "proxy-connection", "proxy-authorization");

    private final URI upstream;
    private final Rates rates;
    private final Duration holdFor;
    private final Random random;
    private final ServerSocket server;
    private final HttpClient http;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    /** Transactions (by item keys) applied without a success answer: their resend may meet a conflict. */
    private final Set<String> unanswered = ConcurrentHashMap.newKeySet();
    private final Map<String, Map<Fault, LongAdder>> injected = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> forwarded = new ConcurrentHashMap<>();
    private final LongAdder upstreamFailures = new LongAdder();
    private final List<Injection> log = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    /**
     * One injected fault, for explaining a finding afterwards.
     *
     * @param items for {@code TransactWriteItems}: table|pk|sk of every action, sorted; empty otherwise
     */
    public record Injection(long atMs, String operation, Fault fault, String items) {
    }

    private FaultProxy(Builder b) throws IOException {
        this.upstream = b.upstream;
        this.rates = b.rates;
        this.holdFor = b.holdFor;
        this.random = new Random(b.seed);
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        AtomicInteger n = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fault-proxy-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
        Thread acceptor = new Thread(this::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where clients send their requests: {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Injected faults per kind, every kind listed (zero included). */
    public Map<Fault, Long> injected() {
        Map<Fault, Long> out = new EnumMap<>(Fault.class);
        for (Fault f : Fault.values()) {
            out.put(f, 0L);
        }
        injected.values().forEach(m -> m.forEach((f, c) -> out.merge(f, c.sum(), Long::sum)));
        return out;
    }

    public long injected(Fault fault) {
        return injected().get(fault);
    }

    /** Injected faults per operation, then kind; only what happened. */
    public Map<String, Map<Fault, Long>> injectedByOperation() {
        Map<String, Map<Fault, Long>> out = new TreeMap<>();
        injected.forEach((op, m) -> {
            Map<Fault, Long> kinds = new EnumMap<>(Fault.class);
            m.forEach((f, c) -> kinds.put(f, c.sum()));
            out.put(op, kinds);
        });
        return out;
    }

    /** Requests forwarded to the upstream, per operation (applied faults included). */
    public Map<String, Long> forwarded() {
        Map<String, Long> out = new TreeMap<>();
        forwarded.forEach((op, c) -> out.put(op, c.sum()));
        return out;
    }

    /** Every injected fault in order (at most the first 100,000). */
    public List<Injection> log() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    /** The injected faults on transactions that touched an item whose key contains {@code keyPart}, e.g. {@code AGG#w#1|EVT#000000008}. */
    public List<Injection> log(String keyPart) {
        return log().stream().filter(i -> i.items().contains(keyPart)).toList();
    }

    /** Forwards that failed at the upstream (not injected): should stay 0. */
    public long upstreamFailures() {
        return upstreamFailures.sum();
    }

    /** One line: injected faults by kind, forwarded requests by operation. */
    public String summary() {
        StringBuilder sb = new StringBuilder("injected ");
        List<String> parts = new ArrayList<>();
        injected().forEach((f, c) -> parts.add(f.name().toLowerCase(Locale.ROOT) + "=" + c));
        sb.append(String.join(" ", parts)).append("; forwarded ").append(forwarded());
        if (upstreamFailures() > 0) {
            sb.append("; upstream failures ").append(upstreamFailures());
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
        connections.shutdownNow();
    }

    // ---- serving ----

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                open.add(s);
                connections.execute(() -> serve(s));
            } catch (IOException e) {
                if (!closed) {
                    upstreamFailures.increment(); // cannot accept: counted, the loop goes on
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream());
            OutputStream out = new BufferedOutputStream(socket.getOutputStream());
            while (!closed) {
                Request req = Request.read(in, out);
                if (req == null) {
                    return; // the client closed its keep-alive connection
                }
                if (!handle(req, socket, out)) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away (or was killed): nothing to answer
        } finally {
            open.remove(socket);
        }
    }

    /** Answers one request; false when the connection was dropped on purpose. */
    private boolean handle(Request req, Socket socket, OutputStream out) throws IOException {
        String op = req.operation();
        Transaction tx = TRANSACT_WRITE_ITEMS.equals(op) ? Transaction.parse(req.body) : null;
        Fault fault = choose(op, tx);
        if (fault != null) {
            count(op, fault);
            if (log.size() < 100_000) {
                log.add(new Injection(System.currentTimeMillis(), op, fault, tx == null ? "" : tx.identity));
            }
        }
        if (fault == Fault.RESET) {
            reset(socket);
            return false;
        }
        if (fault == Fault.THROTTLE) {
            writeError(out, 400, "ThrottlingException", "Rate of requests exceeds the allowed throughput.");
            return true;
        }
        if (fault == Fault.SERVER_ERROR) {
            writeError(out, 500, "InternalServerError", "Internal server error");
            return true;
        }
        if (fault == Fault.TRANSACTION_CONFLICT || fault == Fault.CONFLICT_ON_RESEND) {
            writeConflict(out, tx.actions);
            return true;
        }
        HttpResponse<byte[]> answer;
        try {
            answer = forward(req, op);
        } catch (IOException e) {
            upstreamFailures.increment();
            reset(socket);
            return false;
        }
        if (fault != null && fault.applied() && tx != null) {
            unanswered.add(tx.identity);
        }
        if (fault == Fault.LOST_RESPONSE) {
            reset(socket);
            return false;
        }
        if (fault == Fault.TIMEOUT) {
            sleep(holdFor);
            reset(socket); // the client gave up long ago; the answer never goes out
            return false;
        }
        if (fault == Fault.SERVER_ERROR_AFTER) {
            writeError(out, 500, "InternalServerError", "Internal server error");
            return true;
        }
        writeUpstream(out, answer);
        return true;
    }

    private Fault choose(String op, Transaction tx) {
        if (tx != null && unanswered.remove(tx.identity) && draw() < rates.resendConflictRate()) {
            return Fault.CONFLICT_ON_RESEND;
        }
        Map<Fault, Double> forOp = rates.forOperation(op);
        if (forOp.isEmpty()) {
            return null;
        }
        double u = draw();
        double cumulative = 0;
        for (Map.Entry<Fault, Double> e : forOp.entrySet()) {
            cumulative += e.getValue();
            if (u < cumulative) {
                return e.getKey();
            }
        }
        return null;
    }

    private double draw() {
        synchronized (random) {
            return random.nextDouble();
        }
    }

    private void count(String op, Fault fault) {
        injected.computeIfAbsent(op, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(fault, k -> new LongAdder()).increment();
    }

    private HttpResponse<byte[]> forward(Request req, String op) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(upstream.resolve(req.target))
                .timeout(Duration.ofSeconds(60))
                .method(req.method, HttpRequest.BodyPublishers.ofByteArray(req.body));
        for (String[] h : req.headers) {
            if (!NOT_COPIED.contains(h[0].toLowerCase(Locale.ROOT))) {
                b.header(h[0], h[1]);
            }
        }
        forwarded.computeIfAbsent(op, k -> new LongAdder()).increment();
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
    }

    private static void writeUpstream(OutputStream out, HttpResponse<byte[]> r) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        r.headers().map().forEach((name, values) -> {
            if (!NOT_COPIED.contains(name.toLowerCase(Locale.ROOT)) && !values.isEmpty()) {
                headers.put(name, values.get(0));
            }
        });
        writeResponse(out, r.statusCode(), headers, r.body());
    }

    private static void writeError(OutputStream out, int status, String code, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", ERROR_PREFIX + code);
        body.put("message", message);
        writeJson(out, status, body);
    }

    private static void writeConflict(OutputStream out, int actions) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", ERROR_PREFIX + "TransactionCanceledException");
        body.put("Message", "Transaction cancelled, please refer cancellation reasons for specific reasons ["
                + String.join(", ", Collections.nCopies(actions, "TransactionConflict")) + "]");
        ArrayNode reasons = body.putArray("CancellationReasons");
        for (int i = 0; i < actions; i++) {
            reasons.addObject().put("Code", "TransactionConflict").put("Message", "Transaction is ongoing for the item");
        }
        writeJson(out, 400, body);
    }

    private static void writeJson(OutputStream out, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        CRC32 crc = new CRC32();
        crc.update(bytes);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/x-amz-json-1.0");
        headers.put("x-amzn-RequestId", UUID.randomUUID().toString());
        headers.put("x-amz-crc32", Long.toString(crc.getValue()));
        writeResponse(out, status, headers, bytes);
    }

    private static void writeResponse(OutputStream out, int status, Map<String, String> headers, byte[] body)
            throws IOException {
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
        headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
        head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(body);
        out.flush();
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 500 -> "Internal Server Error";
            default -> "Status";
        };
    }

    /** Drops the connection with a TCP reset, as a failing load balancer or network does. */
    private static void reset(Socket socket) {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException e) {
            // already closed
        }
        closeQuietly(socket);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- HTTP/1.1 request parsing (what SDK clients send: Content-Length or chunked bodies) ----

    private static final class Request {
        final String method;
        final String target;
        final List<String[]> headers;
        final byte[] body;

        Request(String method, String target, List<String[]> headers, byte[] body) {
            this.method = method;
            this.target = target;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            for (String[] h : headers) {
                if (h[0].equalsIgnoreCase(name)) {
                    return h[1];
                }
            }
            return null;
        }

        /** {@code DynamoDB_20120810.TransactWriteItems} -> {@code TransactWriteItems}. */
        String operation() {
            String target = header("X-Amz-Target");
            if (target == null) {
                return "(none)";
            }
            int dot = target.lastIndexOf('.');
            return dot < 0 ? target : target.substring(dot + 1);
        }

        static Request read(InputStream in, OutputStream out) throws IOException {
            String line = readLine(in);
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                line = readLine(in); // a stray CRLF between keep-alive requests
                if (line == null) {
                    return null;
                }
            }
            String[] parts = line.split(" ");
            if (parts.length < 3) {
                throw new IOException("not an HTTP request line: " + line);
            }
            List<String[]> headers = new ArrayList<>();
            for (String h = readLine(in); h != null && !h.isEmpty(); h = readLine(in)) {
                int colon = h.indexOf(':');
                if (colon > 0) {
                    headers.add(new String[] {h.substring(0, colon).trim(), h.substring(colon + 1).trim()});
                }
            }
            Request partial = new Request(parts[0], parts[1], headers, new byte[0]);
            if ("100-continue".equalsIgnoreCase(partial.header("Expect"))) {
                out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
            byte[] body;
            String length = partial.header("Content-Length");
            if ("chunked".equalsIgnoreCase(partial.header("Transfer-Encoding"))) {
                body = readChunked(in);
            } else if (length != null) {
                body = in.readNBytes(Integer.parseInt(length.trim()));
            } else {
                body = new byte[0];
            }
            return new Request(parts[0], parts[1], headers, body);
        }

        private static byte[] readChunked(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                String size = readLine(in);
                if (size == null) {
                    throw new IOException("connection closed inside a chunked body");
                }
                int semi = size.indexOf(';');
                int n = Integer.parseInt((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (n == 0) {
                    for (String t = readLine(in); t != null && !t.isEmpty(); t = readLine(in)) {
                        // trailers: ignored
                    }
                    return out.toByteArray();
                }
                out.write(in.readNBytes(n));
                readLine(in);
            }
        }

        private static String readLine(InputStream in) throws IOException {
            ByteArrayOutputStream line = new ByteArrayOutputStream(128);
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    byte[] b = line.toByteArray();
                    int len = b.length > 0 && b[b.length - 1] == '\r' ? b.length - 1 : b.length;
                    return new String(b, 0, len, StandardCharsets.ISO_8859_1);
                }
                line.write(c);
            }
            return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
        }
    }

    /** What the proxy needs of a {@code TransactWriteItems}: its action count and which items it touches. */
    private static final class Transaction {
        final int actions;
        /** Table, pk and sk of every action, sorted: equal for a resend of the same append. */
        final String identity;

        Transaction(int actions, String identity) {
            this.actions = actions;
            this.identity = identity;
        }

        static Transaction parse(byte[] body) {
            try {
                JsonNode items = JSON.readTree(body).path("TransactItems");
                Set<String> keys = new TreeSet<>();
                for (JsonNode action : items) {
                    action.fields().forEachRemaining(e -> {
                        JsonNode op = e.getValue();
                        JsonNode key = op.has("Item") ? op.get("Item") : op.path("Key");
                        keys.add(op.path("TableName").asText() + "|" + key.path("pk").path("S").asText()
                                + "|" + key.path("sk").path("S").asText());
                    });
                }
                return new Transaction(Math.max(1, items.size()), String.join(",", keys));
            } catch (IOException e) {
                return new Transaction(1, "unparsable:" + new String(body, StandardCharsets.UTF_8));
            }
        }
    }

    // ---- configuration ----

    /**
     * Fault rates per operation: the probability, per request, of each kind. The kinds of one
     * operation are exclusive, so their rates add up to at most 1.
     *
     * <pre>{@code
     * Rates r = Rates.builder().rate("GetItem", Fault.THROTTLE, 0.02)
     *     .rate("TransactWriteItems", Fault.TRANSACTION_CONFLICT, 0.05).build();
     * }</pre>
     */
    public static final class Rates {
        private final Map<String, Map<Fault, Double>> perOperation;
        private final double resendConflictRate;

        private Rates(Map<String, Map<Fault, Double>> perOperation, double resendConflictRate) {
            this.perOperation = perOperation;
            this.resendConflictRate = resendConflictRate;
        }

        /** No faults: a plain forwarding proxy. */
        public static Rates none() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** The kinds configured for {@code operation} and their rates, in {@link Fault} order. */
        public Map<Fault, Double> forOperation(String operation) {
            return perOperation.getOrDefault(operation, Map.of());
        }

        /** The probability that a resend of a transaction applied without an answer meets a conflict. */
        public double resendConflictRate() {
            return resendConflictRate;
        }

        @Override
        public String toString() {
            return perOperation + ", resend conflict " + resendConflictRate;
        }

        /** Builds {@link Rates}; checked in {@link #build()}. */
        public static final class Builder {
            private final Map<String, Map<Fault, Double>> perOperation = new TreeMap<>();
            private double resendConflictRate;

            private Builder() {
            }

            /** The probability of {@code fault} for each request of {@code operation} (e.g. {@code GetItem}). */
            public Builder rate(String operation, Fault fault, double probability) {
                Objects.requireNonNull(operation, "operation");
                Objects.requireNonNull(fault, "fault");
                if (fault == Fault.CONFLICT_ON_RESEND) {
                    throw new IllegalArgumentException("CONFLICT_ON_RESEND is set by resendConflictRate(p), not per operation");
                }
                if ((fault == Fault.TRANSACTION_CONFLICT) && !TRANSACT_WRITE_ITEMS.equals(operation)) {
                    throw new IllegalArgumentException(fault + " only exists for " + TRANSACT_WRITE_ITEMS + ", not " + operation);
                }
                checkProbability(operation + " " + fault, probability);
                perOperation.computeIfAbsent(operation, k -> new EnumMap<>(Fault.class)).put(fault, probability);
                return this;
            }

            /** {@link #rate} for each of {@code operations}. */
            public Builder rate(List<String> operations, Fault fault, double probability) {
                operations.forEach(op -> rate(op, fault, probability));
                return this;
            }

            /** See {@link Fault#CONFLICT_ON_RESEND}. */
            public Builder resendConflictRate(double probability) {
                checkProbability("resendConflictRate", probability);
                this.resendConflictRate = probability;
                return this;
            }

            public Rates build() {
                Map<String, Map<Fault, Double>> copy = new TreeMap<>();
                perOperation.forEach((op, kinds) -> {
                    double sum = kinds.values().stream().mapToDouble(Double::doubleValue).sum();
                    if (sum > 1.0 + 1e-9) {
                        throw new IllegalArgumentException("fault rates of " + op + " add up to " + sum
                                + ", more than 1: each request gets at most one fault");
                    }
                    copy.put(op, Collections.unmodifiableMap(new EnumMap<>(kinds)));
                });
                return new Rates(Collections.unmodifiableMap(copy), resendConflictRate);
            }

            private static void checkProbability(String what, double p) {
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalArgumentException(what + ": a probability is between 0 and 1, was " + p);
                }
            }
        }
    }

    /** Configures and starts a {@link FaultProxy}; the upstream is required. */
    public static final class Builder {
        private URI upstream;
        private Rates rates = Rates.none();
        private long seed = 1;
        private Duration holdFor = Duration.ofSeconds(3);

        private Builder() {
        }

        /** The real endpoint, e.g. moto's {@code http://127.0.0.1:5000}. */
        public Builder upstream(URI value) {
            this.upstream = value;
            return this;
        }

        public Builder rates(Rates value) {
            this.rates = Objects.requireNonNull(value, "rates");
            return this;
        }

        /** Seed of the random that picks the faults. Default 1. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * How long a {@link Fault#TIMEOUT} holds the answer: longer than the clients' attempt timeout,
         * or the fault is just a slow success. Default 3 s.
         */
        public Builder holdFor(Duration value) {
            this.holdFor = value;
            return this;
        }

        public FaultProxy start() {
            if (upstream == null || upstream.getHost() == null || !"http".equals(upstream.getScheme())) {
                throw new IllegalArgumentException("upstream must be an http:// endpoint such as moto's, was " + upstream);
            }
            if (holdFor == null || holdFor.isNegative() || holdFor.isZero()) {
                throw new IllegalArgumentException("holdFor must be positive, was " + holdFor);
            }
            try {
                return new FaultProxy(this);
            } catch (IOException e) {
                throw new IllegalStateException("could not listen on 127.0.0.1", e);
            }
        }
    }
}
