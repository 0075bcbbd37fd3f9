// Create fixture: a plugin.hpp output whose constructor throws ConfigError, reported via set_error.
#include <logagent/plugin.hpp>

namespace {

class ThrowsInCreate final : public logagent::Output {
 public:
  ThrowsInCreate(logagent::Host, const logagent::Config&) {
    // The one defect: the wrapper must turn this into set_error + NULL, never let it cross.
    throw logagent::ConfigError("fixture refuses to start: missing credentials");
  }
  logagent::Status write(const logagent::BatchView&, logagent_token*) override { return logagent::Status::Ok(); }
};

}  // namespace

LOGAGENT_OUTPUT_PLUGIN(ThrowsInCreate, "throws_in_create", "1.0.0", "Fixture: refuses every configuration", nullptr)
