package io.flotilla.agent.grpc;

import com.google.protobuf.Message;
import io.flotilla.agent.calls.MessageGate;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses a request that is not a valid protobuf message of its method's type with
 * {@code INVALID_ARGUMENT} naming the type, and so a call of a method that takes one request
 * that brings none or several. Left to gRPC, the first fails with {@code UNKNOWN} and a logged
 * stack trace, which lets any client fill the node's log, and the others with {@code INTERNAL}.
 */
public final class MalformedRequests {
  private MalformedRequests() {}

  /** The service, with every method's requests checked before the service sees them. */
  public static ServerServiceDefinition refused(BindableService service) {
    ServerServiceDefinition bound = service.bindService();
    ServiceDescriptor original = bound.getServiceDescriptor();
    List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
    ServiceDescriptor.Builder descriptor = ServiceDescriptor.newBuilder(original.getName())
        .setSchemaDescriptor(original.getSchemaDescriptor());
    for (ServerMethodDefinition<?, ?> m : bound.getMethods()) {
      ServerMethodDefinition<?, ?> checked = checked(m);
      descriptor.addMethod(checked.getMethodDescriptor());
      methods.add(checked);
    }
    ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
    methods.forEach(b::addMethod);
    return b.build();
  }

  private static <Q, R> ServerMethodDefinition<Q, R> checked(ServerMethodDefinition<Q, R> m) {
    MethodDescriptor<Q, R> method = m.getMethodDescriptor();
    MethodDescriptor.Marshaller<Q> parser = method.getRequestMarshaller();
    Status malformed = Status.INVALID_ARGUMENT.withDescription(
        "malformed request: not a valid " + typeName(parser) + " message");
    ServerCallHandler<Q, R> handler = m.getServerCallHandler();
    // A request that does not parse arrives as null, which the gate below turns away.
    MethodDescriptor<Q, R> lenient = method.toBuilder()
        .setRequestMarshaller(new MethodDescriptor.Marshaller<>() {
          @Override
          public InputStream stream(Q value) {
            return parser.stream(value);
          }

          @Override
          public Q parse(InputStream in) {
            try {
              return parser.parse(in);
            } catch (RuntimeException e) {
              return null;
            }
          }
        })
        .build();
    Status notOne = Status.INVALID_ARGUMENT.withDescription(
        "malformed request: a " + method.getType().name().toLowerCase(Locale.ROOT)
            + " call takes exactly one request message");
    boolean one = method.getType().clientSendsOneMessage();
    return ServerMethodDefinition.create(lenient, (call, headers) ->
        new MessageGate<>(call, handler.startCall(call, headers), new MessageGate.Admission<>() {
          private int requests;

          @Override
          public Status refusal(Q request) {
            return request == null ? malformed : one && ++requests > 1 ? notOne : null;
          }

          @Override
          public Status refusalAtHalfClose() {
            return one && requests == 0 ? notOne : null;
          }
        }));
  }

  private static String typeName(MethodDescriptor.Marshaller<?> parser) {
    return parser instanceof MethodDescriptor.PrototypeMarshaller<?> p
        && p.getMessagePrototype() instanceof Message proto
        ? proto.getDescriptorForType().getFullName() : "request";
  }
}
