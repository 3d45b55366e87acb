package io.flotilla.agent.grpc;

import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Exception;
import io.grpc.netty.shaded.io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A bare HTTP/2 client over a socket, to send the agent API what no gRPC library would: frames
 * cut short, garbage, lying length prefixes. Header blocks are coded with the HPACK of the
 * Netty that grpc-netty-shaded carries.
 */
final class RawHttp2 implements Closeable {
  static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  static final int DATA = 0x0;
  static final int HEADERS = 0x1;
  static final int RST_STREAM = 0x3;
  static final int SETTINGS = 0x4;
  static final int GOAWAY = 0x7;
  static final int CONTINUATION = 0x9;
  static final int END_STREAM = 0x1;
  static final int ACK = 0x1;
  static final int END_HEADERS = 0x4;
  static final int PADDED = 0x8;
  static final int PRIORITY = 0x20;

  private final Socket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);

  RawHttp2(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    out = socket.getOutputStream();
    in = new DataInputStream(socket.getInputStream());
  }

  /** The client preface and an empty SETTINGS frame, as every HTTP/2 client starts. */
  RawHttp2 start() throws IOException {
    send(PREFACE);
    send(frame(SETTINGS, 0, 0, new byte[0]));
    return this;
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  static byte[] frame(int type, int flags, int stream, byte[] payload) {
    return ByteBuffer.allocate(9 + payload.length)
        .put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8))
        .put((byte) payload.length).put((byte) type).put((byte) flags).putInt(stream)
        .put(payload).array();
  }

  /** A HEADERS frame that opens a gRPC call of {@code path} on {@code stream}. */
  static byte[] grpcHeaders(int stream, String path) throws Http2Exception {
    Http2Headers h = new DefaultHttp2Headers()
        .method("POST").scheme("http").path(path).authority("127.0.0.1")
        .add("content-type", "application/grpc").add("te", "trailers");
    ByteBuf block = Unpooled.buffer();
    new DefaultHttp2HeadersEncoder().encodeHeaders(stream, h, block);
    byte[] bytes = new byte[block.readableBytes()];
    block.readBytes(bytes);
    return frame(HEADERS, END_HEADERS, stream, bytes);
  }

  /** A gRPC message frame: the compressed flag, a length that may lie, then the bytes. */
  static byte[] grpcMessage(int compressed, int claimedLength, byte[] body) {
    return ByteBuffer.allocate(5 + body.length).put((byte) compressed).putInt(claimedLength)
        .put(body).array();
  }

  /**
   * Reads frames until the server ends {@code stream} (trailers or a reset), the connection
   * (GOAWAY or close), or five seconds pass; says what ended it.
   */
  String awaitEnd(int stream) throws IOException {
    return awaitEnd(stream, Duration.ofSeconds(5));
  }

  String awaitEnd(int stream, Duration patience) throws IOException {
    socket.setSoTimeout((int) patience.toMillis());
    ByteArrayOutputStream headerBlock = new ByteArrayOutputStream();
    try {
      while (true) {
        int length = in.readUnsignedByte() << 16 | in.readUnsignedShort();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int id = in.readInt() & 0x7fffffff;
        byte[] payload = in.readNBytes(length);
        if (type == SETTINGS && (flags & ACK) == 0) {
          send(frame(SETTINGS, ACK, 0, new byte[0]));
        } else if (type == GOAWAY) {
          return "GOAWAY " + ByteBuffer.wrap(payload, 4, 4).getInt();
        } else if (type == RST_STREAM && id == stream) {
          return "RST_STREAM " + ByteBuffer.wrap(payload).getInt();
        } else if (type == HEADERS || type == CONTINUATION) {
          int from = type == HEADERS ? headersStart(flags) : 0;
          int padding = type == HEADERS && (flags & PADDED) != 0 ? payload[0] & 0xff : 0;
          headerBlock.write(payload, from, payload.length - from - padding);
          if ((flags & END_HEADERS) != 0) {
            Http2Headers h = decode(id, headerBlock.toByteArray());
            headerBlock.reset();
            Optional<String> status = Optional.ofNullable(h.get("grpc-status"))
                .map(CharSequence::toString);
            if (id == stream && status.isPresent()) {
              CharSequence message = h.get("grpc-message");
              return "grpc-status " + status.get() + (message == null ? "" : " " + message);
            }
            if (id == stream && h.status() != null && !h.status().toString().equals("200")) {
              return "http " + h.status();
            }
          }
        }
      }
    } catch (EOFException e) {
      return "closed";
    } catch (SocketTimeoutException e) {
      return "no answer in " + patience.toMillis() + " ms";
    } catch (SocketException e) {
      return "reset (" + e.getMessage() + ")";
    }
  }

  /** Where a HEADERS frame's block starts, past its padding length and priority. */
  private static int headersStart(int flags) {
    return ((flags & PADDED) != 0 ? 1 : 0) + ((flags & PRIORITY) != 0 ? 5 : 0);
  }

  private Http2Headers decode(int stream, byte[] block) throws IOException {
    try {
      return decoder.decodeHeaders(stream, Unpooled.wrappedBuffer(block));
    } catch (Http2Exception e) {
      throw new IOException("the server's header block does not decode", e);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
