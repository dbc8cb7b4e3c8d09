package dev.otto.invoker.openai;

import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body collected up to a cap without blocking a thread: the bytes as they arrive, or,
 * once they pass the cap, only the fact that the body was too large (the rest is not read: the
 * subscription is cancelled, which closes the connection).
 *
 * @param bytes the body, or null if it was too large
 * @param tooLarge whether the body exceeded its cap
 */
record CappedBody(byte[] bytes, boolean tooLarge) {

    /** 2xx bodies are capped at {@code maxBytes}, others at {@code errorCap}. Remembers its subscriber to cancel it. */
    static final class Handler implements HttpResponse.BodyHandler<CappedBody> {
        private final long maxBytes;
        private final long errorCap;
        private volatile Subscriber subscriber;
        private volatile boolean cancelled;

        Handler(long maxBytes, long errorCap) {
            this.maxBytes = maxBytes;
            this.errorCap = Math.min(maxBytes, errorCap);
        }

        @Override
        public HttpResponse.BodySubscriber<CappedBody> apply(HttpResponse.ResponseInfo info) {
            Subscriber created = new Subscriber(info.statusCode() >= 200 && info.statusCode() <= 299 ? maxBytes : errorCap);
            subscriber = created;
            if (cancelled) {
                created.expire();
            }
            return created;
        }

        /**
         * The deadline passed: fails the body with an {@link HttpTimeoutException} and cancels its
         * subscription, which closes the connection (now, or as soon as the headers arrive).
         */
        void expire() {
            cancelled = true;
            Subscriber current = subscriber;
            if (current != null) {
                current.expire();
            }
        }
    }

    private static final class Subscriber implements HttpResponse.BodySubscriber<CappedBody> {
        private final long cap;
        private final CompletableFuture<CappedBody> result = new CompletableFuture<>();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private byte[] buffer = new byte[1024];
        private int size;

        Subscriber(long cap) {
            this.cap = cap;
        }

        @Override
        public CompletionStage<CappedBody> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription newSubscription) {
            this.subscription = newSubscription;
            if (cancelled) {
                newSubscription.cancel();
            } else {
                newSubscription.request(Long.MAX_VALUE);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            if (result.isDone()) {
                return;
            }
            for (ByteBuffer item : items) {
                int length = item.remaining();
                if ((long) size + length > cap) {
                    result.complete(new CappedBody(null, true));
                    cancel();
                    return;
                }
                if (size + length > buffer.length) {
                    buffer = java.util.Arrays.copyOf(buffer, (int) Math.min(Math.max((long) buffer.length * 2, size + length),
                            Integer.MAX_VALUE - 8));
                }
                item.get(buffer, size, length);
                size += length;
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(new CappedBody(java.util.Arrays.copyOf(buffer, size), false));
        }

        void expire() {
            result.completeExceptionally(new HttpTimeoutException("the deadline passed while the body was arriving"));
            cancel();
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
