package io.flotilla.consensus.ratis;

import io.flotilla.consensus.statemachine.ReplicatedStateMachine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * A snapshot on disk: a magic number, the state machine's body, and a CRC32C of the body.
 * Written to a temporary file and renamed, so a crash never leaves a half snapshot under the
 * final name; verified in full before the state machine sees a byte of it.
 */
public final class SnapshotFile {
  private static final int MAGIC = 0x464c5331; // "FLS1"
  private static final int HEADER = 4;
  private static final int TRAILER = 8;

  private SnapshotFile() {}

  public static void write(ReplicatedStateMachine sm, Path file) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    CRC32C crc = new CRC32C();
    try (OutputStream raw = Files.newOutputStream(tmp);
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
      out.writeInt(MAGIC);
      CheckedOutputStream body = new CheckedOutputStream(nonClosing(out), crc);
      sm.writeSnapshot(body);
      body.flush();
      out.writeLong(crc.getValue());
      out.flush();
    }
    // The rename must not reach the disk before the bytes do.
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Verifies the checksum, then restores the state machine; a bad file changes nothing. */
  public static void restore(ReplicatedStateMachine sm, Path file) throws IOException {
    long size = Files.size(file);
    long bodyLength = size - HEADER - TRAILER;
    if (bodyLength < 0) {
      throw new IOException("snapshot " + file + " is truncated (" + size + " bytes)");
    }
    verify(file, bodyLength);
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      in.readInt();
      sm.restoreSnapshot(new BoundedInputStream(in, bodyLength));
    }
  }

  private static void verify(Path file, long bodyLength) throws IOException {
    CRC32C crc = new CRC32C();
    try (DataInputStream in = new DataInputStream(
        new BufferedInputStream(Files.newInputStream(file), 1 << 16))) {
      if (in.readInt() != MAGIC) {
        throw new IOException("snapshot " + file + " is not a Flotilla snapshot");
      }
      CheckedInputStream body = new CheckedInputStream(new BoundedInputStream(in, bodyLength), crc);
      body.transferTo(OutputStream.nullOutputStream());
      if (in.readLong() != crc.getValue()) {
        throw new IOException("snapshot " + file + " fails its checksum");
      }
    }
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  /** Reads at most {@code limit} bytes of the underlying stream and never closes it. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }
}
