package io.flotilla.chaos.cluster;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a test class only where Docker is available. Without Docker it is skipped with the
 * reason, except under CI (or FLOTILLA_REQUIRE_DOCKER=true), where it fails.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RequiresDocker.Condition.class)
public @interface RequiresDocker {

  final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<String> missing = DockerEnvironment.missing();
      if (missing.isEmpty()) {
        return ConditionEvaluationResult.enabled("Docker is available");
      }
      if (DockerEnvironment.required()) {
        throw new IllegalStateException("the container suite must run here but " + missing.get());
      }
      return ConditionEvaluationResult.disabled("container tests skipped: " + missing.get());
    }
  }
}
