// The "null" output: accepts and discards every event, for benchmarks and pipeline tests.
#include <logagent/plugin.hpp>

#include <cstdint>

namespace logagent::plugins::null_output {
namespace {

class NullOutput final : public Output {
 public:
  NullOutput(Host host, const Config& /*config*/) : host_(host), events_(host.counter("events")) {}

  Status write(const BatchView& batch, logagent_token* /*token*/) override {
    // Counts what a real output would have delivered: events filters dropped are not ours.
    uint64_t discarded = 0;
    const uint32_t count = batch.size();
    for (uint32_t event = 0; event < count; ++event) {
      if (!batch.dropped(event)) ++discarded;
    }
    if (discarded != 0) host_.add(events_, discarded);
    return Status::Ok();
  }

 private:
  Host host_;
  logagent_counter* events_;
};

}  // namespace
}  // namespace logagent::plugins::null_output

LOGAGENT_OUTPUT_PLUGIN(logagent::plugins::null_output::NullOutput, "null", "1.0.0",
                       "Discards every event; counts them in the \"events\" counter", nullptr)
