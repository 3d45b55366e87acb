package io.flotilla.consensus.ratis;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.protocol.Message;

/**
 * Moves bytes between our protobuf and the copy Ratis shades, without copying: both wrap the
 * same read-only buffer.
 */
public final class RatisBytes {
  private RatisBytes() {}

  public static org.apache.ratis.thirdparty.com.google.protobuf.ByteString toRatis(ByteString b) {
    return org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations.unsafeWrap(
        b.asReadOnlyByteBuffer());
  }

  public static ByteString fromRatis(
      org.apache.ratis.thirdparty.com.google.protobuf.ByteString b) {
    return UnsafeByteOperations.unsafeWrap(b.asReadOnlyByteBuffer());
  }

  public static Message message(ByteString b) {
    return Message.valueOf(toRatis(b));
  }

  public static ByteString content(Message m) {
    return fromRatis(m.getContent());
  }
}
