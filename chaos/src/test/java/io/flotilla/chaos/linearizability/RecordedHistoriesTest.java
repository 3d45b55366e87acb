package io.flotilla.chaos.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Histories recorded by other systems, whose verdicts are known (see SOURCE.md). */
class RecordedHistoriesTest {

  static Stream<Arguments> etcd() {
    return TestData.etcd().entrySet().stream().map(e ->
        Arguments.of(Named.of(e.getKey().getFileName().toString(), e.getKey()), e.getValue()));
  }

  static Stream<Arguments> kv() {
    return TestData.kv().entrySet().stream().map(e ->
        Arguments.of(Named.of(e.getKey().getFileName().toString(), e.getKey()), e.getValue()));
  }

  @ParameterizedTest(name = "{0} is {1}")
  @MethodSource("etcd")
  void jepsenEtcdHistoriesGetTheirKnownVerdict(Path file, Verdict expected) {
    CheckResult result = LinearizabilityChecker.check(TestData.read(file), Models.casRegister());

    assertThat(result.verdict()).isEqualTo(expected);
    assertThat(result.evidence().isPresent()).isEqualTo(expected == Verdict.NOT_LINEARIZABLE);
  }

  @ParameterizedTest(name = "{0} is {1} partitioned by key")
  @MethodSource("kv")
  void kvHistoriesGetTheirKnownVerdictPartitioned(Path file, Verdict expected) {
    CheckResult result = LinearizabilityChecker.check(TestData.read(file), Models.kv());

    assertThat(result.verdict()).isEqualTo(expected);
    assertThat(result.partitions()).isGreaterThan(1);
  }

  @ParameterizedTest(name = "{0} is {1} unpartitioned")
  @MethodSource("kv")
  void kvHistoriesGetTheirKnownVerdictUnpartitioned(Path file, Verdict expected) {
    CheckResult result = LinearizabilityChecker.check(TestData.read(file), Models.kv(),
        CheckOptions.DEFAULT.unpartitioned());

    assertThat(result.verdict()).isEqualTo(expected);
    assertThat(result.partitions()).isEqualTo(1);
  }
}
