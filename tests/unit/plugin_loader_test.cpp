// Unit tests of plugin loading: every loader failure names the file and the reason; discovery
// reports unusable libraries and duplicates; a plugin failing create is reported with its
// section's location, never a crash.
#include "config/config_loader.hpp"
#include "config/pipeline_config.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin/plugin_library.hpp"
#include "plugin/plugin_registry.hpp"

#include <logagent/plugin.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace logagent::core;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

namespace {

const fs::path kFixtures = LOGAGENT_FIXTURE_PLUGIN_DIR;
const fs::path kBuilt = LOGAGENT_BUILT_PLUGIN_DIR;

fs::path fixture(const std::string& name) { return kFixtures / name / (name + ".so"); }

// The PluginLoadError message of loading `file`; fails the test if it loads.
std::string load_error(const fs::path& file) {
  try {
    auto lib = PluginLibrary::load(file);
    ADD_FAILURE() << file << " loaded as plugin \"" << lib->name() << "\"";
  } catch (const PluginLoadError& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << file << " threw something other than PluginLoadError: " << e.what();
  }
  return {};
}

// ---------------------------------------------------------------------------------------
// PluginLibrary::load on each defect

TEST(PluginLoad, BadMajor) {
  EXPECT_EQ(load_error(fixture("bad_major")),
            fixture("bad_major").string() + ": incompatible ABI major version (plugin ABI 2.0, agent ABI 1.0)");
}

TEST(PluginLoad, NewerMinor) {
  EXPECT_EQ(load_error(fixture("newer_minor")),
            fixture("newer_minor").string() + ": plugin needs a newer agent (plugin ABI 1.1, agent ABI 1.0)");
}

TEST(PluginLoad, NoEntrySymbol) {
  EXPECT_EQ(load_error(fixture("no_entry")),
            fixture("no_entry").string() + ": not a logagent plugin: no exported symbol logagent_plugin_entry");
}

TEST(PluginLoad, EntryReturnsNull) {
  EXPECT_EQ(load_error(fixture("null_entry")),
            fixture("null_entry").string() +
                ": logagent_plugin_entry returned no descriptor (the plugin refused this agent's ABI)");
}

TEST(PluginLoad, ShortDescriptor) {
  constexpr size_t kMinimum = offsetof(logagent_plugin_descriptor, destroy) + sizeof(void (*)(void*));
  static_assert(kMinimum == 72, "x86-64 / LP64 layout");
  EXPECT_EQ(load_error(fixture("short_descriptor")),
            fixture("short_descriptor").string() + ": descriptor struct_size 8 is smaller than the minimum 72");
}

TEST(PluginLoad, MissingCallback) {
  EXPECT_EQ(load_error(fixture("missing_callback")),
            fixture("missing_callback").string() + ": output plugin \"missing_callback\" lacks output_write");
}

TEST(PluginLoad, BadName) {
  EXPECT_EQ(load_error(fixture("bad_name")),
            fixture("bad_name").string() + ": invalid plugin name (expected 1 to 64 characters of [a-z0-9_])");
}

TEST(PluginLoad, ReservedOptionName) {
  EXPECT_EQ(load_error(fixture("reserved_option")),
            fixture("reserved_option").string() +
                ": option \"match\" of plugin \"reserved_option\" is reserved: the core reads it for every output");
}

TEST(PluginLoad, RequiredOptionWithDefault) {
  EXPECT_EQ(load_error(fixture("required_default")),
            fixture("required_default").string() +
                ": option \"path\" of plugin \"required_default\" is required and has the default \"out.log\": a "
                "required option must have default_value NULL");
}

TEST(PluginLoad, InvalidDefault) {
  // Refused when the library loads, not later at whichever section first leaves it unset.
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"bad_default_bool", "\"yes\": expected true or false"},
      {"bad_default_int", "\"10KiB\": expected an integer"},
      {"bad_default_float", "\"0.5s\": expected a number"},
      {"bad_default_duration", "\"soon\": expected a duration such as \"250ms\", \"5s\" or \"1m\""},
      {"bad_default_list",
       "\"a,b\": default_value must be NULL for LOGAGENT_OPTION_STRING_LIST (the ABI has no syntax for a list "
       "default)"},
      {"bad_default_table",
       "\"key=value\": default_value must be NULL for LOGAGENT_OPTION_STRING_TABLE (the ABI has no syntax for a "
       "table default)"},
  };
  for (const auto& [name, problem] : cases) {
    EXPECT_EQ(load_error(fixture(name)), fixture(name).string() + ": option \"setting\" of plugin \"" + name +
                                             "\" has an invalid default " + problem);
  }
}

// The loader checks defaults with the config loader's convert_option: exactly these texts pass.
TEST(PluginLoad, DefaultsParseStrictly) {
  auto accepts = [](uint32_t type, const char* text) {
    logagent_option option{"o", type, 0, text, "", nullptr};
    OptionValue value;
    return !convert_option(option, nullptr, value).has_value();
  };
  for (const char* ok : {"0", "42", "-12", "007", "9223372036854775807", "-9223372036854775808"})
    EXPECT_TRUE(accepts(LOGAGENT_OPTION_INT, ok)) << ok;
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "1KiB", "1.0", "1e3", "0x10", "9223372036854775808"})
    EXPECT_FALSE(accepts(LOGAGENT_OPTION_INT, bad)) << '"' << bad << '"';
  for (const char* ok : {"0", "0.5", "-1.25", "1e3", "2"}) EXPECT_TRUE(accepts(LOGAGENT_OPTION_FLOAT, ok)) << ok;
  for (const char* bad : {"", "0.5s", " 1", "1 ", "inf", "-inf", "nan", "1e999", "0x1p3", "1,5"})
    EXPECT_FALSE(accepts(LOGAGENT_OPTION_FLOAT, bad)) << '"' << bad << '"';
  EXPECT_TRUE(accepts(LOGAGENT_OPTION_BOOL, "true"));
  EXPECT_TRUE(accepts(LOGAGENT_OPTION_BOOL, "false"));
  for (const char* bad : {"", "True", "FALSE", "yes", "1", "0", "true "})
    EXPECT_FALSE(accepts(LOGAGENT_OPTION_BOOL, bad)) << '"' << bad << '"';
  // Lists and tables have no default syntax: only NULL, which convert_option is not asked about.
  EXPECT_FALSE(accepts(LOGAGENT_OPTION_STRING_LIST, ""));
  EXPECT_FALSE(accepts(LOGAGENT_OPTION_STRING_TABLE, ""));

  logagent_option f{"f", LOGAGENT_OPTION_FLOAT, 0, "-2.5e-1", "", nullptr};
  OptionValue value;
  ASSERT_EQ(convert_option(f, nullptr, value), std::nullopt);
  EXPECT_DOUBLE_EQ(value.real, -0.25);
  logagent_option i{"i", LOGAGENT_OPTION_INT, 0, "-17", "", nullptr};
  ASSERT_EQ(convert_option(i, nullptr, value), std::nullopt);
  EXPECT_EQ(value.integer, -17);
  logagent_option b{"b", LOGAGENT_OPTION_BOOL, 0, "false", "", nullptr};
  value.boolean = true;
  ASSERT_EQ(convert_option(b, nullptr, value), std::nullopt);
  EXPECT_FALSE(value.boolean);
}

TEST(PluginLoad, NotALibrary) {
  const fs::path file = fixture("not_a_library");
  ASSERT_TRUE(fs::is_regular_file(file)) << file;
  // dlerror's own words, without the file name twice and without Boost.DLL's "Bad file descriptor".
  EXPECT_EQ(load_error(file), file.string() + ": not a loadable library: not an ELF shared object (file too short)");
}

TEST(PluginLoad, MissingFile) {
  const fs::path file = kFixtures / "no_such_case" / "no_such_case.so";
  EXPECT_EQ(load_error(file),
            file.string() + ": not a loadable library: cannot open shared object file: No such file or directory");
}

TEST(PluginLoad, FailingCreateStillLoads) {
  // These fail only when an instance is created (see PipelineCreate below).
  auto throws = PluginLibrary::load(fixture("throws_in_create"));
  EXPECT_EQ(throws->name(), "throws_in_create");
  EXPECT_EQ(throws->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_EQ(throws->file(), fixture("throws_in_create"));
  auto silent = PluginLibrary::load(fixture("null_create_silent"));
  EXPECT_EQ(silent->name(), "null_create_silent");
  EXPECT_EQ(silent->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
}

TEST(PluginLoad, BuiltInPlugins) {
  auto in = PluginLibrary::load(kBuilt / "in_stdin.so");
  EXPECT_EQ(in->name(), "stdin");
  EXPECT_EQ(in->kind(), uint32_t{LOGAGENT_KIND_INPUT});
  EXPECT_EQ(in->descriptor().abi_major, uint32_t{LOGAGENT_ABI_MAJOR});
  EXPECT_EQ(in->descriptor().struct_size, sizeof(logagent_plugin_descriptor));
  EXPECT_NE(in->descriptor().input_run, nullptr);
  ASSERT_NE(in->find_option("max_line_bytes"), nullptr);
  EXPECT_EQ(in->find_option("max_line_bytes")->type, uint32_t{LOGAGENT_OPTION_SIZE});
  EXPECT_STREQ(in->find_option("max_line_bytes")->default_value, "1MiB");
  ASSERT_NE(in->find_option("on_long_line"), nullptr);
  EXPECT_EQ(in->find_option("on_long_line")->type, uint32_t{LOGAGENT_OPTION_STRING});
  EXPECT_EQ(in->find_option("format"), nullptr);

  auto out = PluginLibrary::load(kBuilt / "out_stdout.so");
  EXPECT_EQ(out->name(), "stdout");
  EXPECT_EQ(out->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_NE(out->descriptor().output_write, nullptr);
  ASSERT_NE(out->find_option("format"), nullptr);
  EXPECT_STREQ(out->find_option("format")->default_value, "json");

  auto null = PluginLibrary::load(kBuilt / "out_null.so");
  EXPECT_EQ(null->name(), "null");
  EXPECT_EQ(null->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
}

TEST(PluginLoad, KindAndSectionNames) {
  EXPECT_EQ(kind_name(LOGAGENT_KIND_INPUT), "input");
  EXPECT_EQ(kind_name(LOGAGENT_KIND_FILTER), "filter");
  EXPECT_EQ(kind_name(LOGAGENT_KIND_OUTPUT), "output");
  EXPECT_EQ(kind_name(0), "unknown");
  EXPECT_EQ(section_name(LOGAGENT_KIND_INPUT), "inputs");
  EXPECT_EQ(section_name(LOGAGENT_KIND_FILTER), "filters");
  EXPECT_EQ(section_name(LOGAGENT_KIND_OUTPUT), "outputs");
}

// ---------------------------------------------------------------------------------------
// PluginRegistry::discover

TEST(PluginDiscover, BuiltFolder) {
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover({kBuilt}, errors);
  EXPECT_THAT(errors, IsEmpty());
  ASSERT_NE(registry.find(LOGAGENT_KIND_INPUT, "stdin"), nullptr);
  ASSERT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "stdout"), nullptr);
  ASSERT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "null"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_INPUT, "stdin")->file(), kBuilt / "in_stdin.so");
  // Kinds are separate name spaces.
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "stdin"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_INPUT, "stdout"), nullptr);
  auto outputs = registry.names(LOGAGENT_KIND_OUTPUT);
  EXPECT_TRUE(std::is_sorted(outputs.begin(), outputs.end()));
}

TEST(PluginDiscover, DuplicateNameReportedOnceNamingBothFiles) {
  const fs::path dir = kFixtures / "duplicate_name";
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover({dir}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], (dir / "dup_b.so").string() + ": output plugin \"twin\" is already provided by " +
                           (dir / "dup_a.so").string());
  ASSERT_EQ(registry.libraries().size(), 1u);
  auto twin = registry.find(LOGAGENT_KIND_OUTPUT, "twin");
  ASSERT_NE(twin, nullptr);
  EXPECT_EQ(twin->file(), dir / "dup_a.so");  // the first in name order stays usable
  EXPECT_THAT(twin->descriptor().description, HasSubstr("(copy a)"));
  EXPECT_EQ(registry.names(LOGAGENT_KIND_OUTPUT), std::vector<std::string>{"twin"});
}

TEST(PluginDiscover, NonexistentFolder) {
  const fs::path dir = kFixtures / "no_such_folder";
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover({dir}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], dir.string() + ": plugin folder does not exist or is not a folder");
  EXPECT_TRUE(registry.libraries().empty());
}

TEST(PluginDiscover, FileInsteadOfFolder) {
  const fs::path file = kBuilt / "in_stdin.so";
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover({file}, errors);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], file.string() + ": plugin folder does not exist or is not a folder");
  EXPECT_TRUE(registry.libraries().empty());
}

TEST(PluginDiscover, UnusableLibrariesReportedOthersStayUsable) {
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover(
      {kBuilt, kFixtures / "bad_major", kFixtures / "not_a_library", kFixtures / "missing_callback", kFixtures / "ack"},
      errors);
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0],
            fixture("bad_major").string() + ": incompatible ABI major version (plugin ABI 2.0, agent ABI 1.0)");
  EXPECT_EQ(errors[1],
            fixture("not_a_library").string() + ": not a loadable library: not an ELF shared object (file too short)");
  EXPECT_EQ(errors[2],
            fixture("missing_callback").string() + ": output plugin \"missing_callback\" lacks output_write");
  EXPECT_NE(registry.find(LOGAGENT_KIND_INPUT, "stdin"), nullptr);
  EXPECT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "bad_major"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "missing_callback"), nullptr);
}

TEST(PluginDiscover, SameFolderTwiceIsSearchedOnce) {
  std::vector<std::string> errors;
  auto once = PluginRegistry::discover({kBuilt}, errors);
  auto twice = PluginRegistry::discover({kBuilt, kBuilt / ".", kBuilt}, errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(twice.libraries().size(), once.libraries().size());
}

TEST(PluginDiscover, NamesAreSortedPerKind) {
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover(
      {kFixtures / "lines", kFixtures / "ack", kFixtures / "throws_in_create", kFixtures / "null_create_silent"},
      errors);
  EXPECT_THAT(errors, IsEmpty());
  EXPECT_EQ(registry.names(LOGAGENT_KIND_OUTPUT),
            (std::vector<std::string>{"fixture_ack", "null_create_silent", "throws_in_create"}));
  EXPECT_EQ(registry.names(LOGAGENT_KIND_INPUT), std::vector<std::string>{"fixture_lines"});
  EXPECT_THAT(registry.names(LOGAGENT_KIND_FILTER), IsEmpty());
}

// ---------------------------------------------------------------------------------------
// A plugin that fails create, through the pipeline

struct Loaded {
  PipelineConfig config;
  ConfigErrors errors;
};

std::unique_ptr<Loaded> load(std::string_view text, const PluginRegistry& registry) {
  auto r = std::make_unique<Loaded>();
  r->config.file = "test.toml";
  auto doc = parse_config_text(text, "test.toml", r->errors);
  if (!doc) return r;
  r->config.service = read_service(*doc, r->errors);
  read_components(*doc, registry, r->config, r->errors);
  check_routes(r->config, r->errors);
  return r;
}

// stdin on line 1, the given output type on line 4.
std::string pipeline_with_output(const std::string& type) {
  return "[[inputs]]\ntype = \"stdin\"\n\n[[outputs]]\ntype = \"" + type + "\"\n";
}

PluginRegistry registry_with(const std::string& fixture_case) {
  std::vector<std::string> errors;
  auto registry = PluginRegistry::discover({kBuilt, kFixtures / fixture_case}, errors);
  EXPECT_THAT(errors, IsEmpty());
  return registry;
}

TEST(PipelineCreate, ThrowingConstructorReportedWithItsMessage) {
  auto registry = registry_with("throws_in_create");
  auto loaded = load(pipeline_with_output("throws_in_create"), registry);
  ASSERT_THAT(loaded->errors, IsEmpty());
  Pipeline pipeline(loaded->config);
  ConfigErrors errors;
  EXPECT_FALSE(pipeline.create(errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.file, "test.toml");
  EXPECT_EQ(errors[0].where.line, 4u);
  EXPECT_EQ(errors[0].where.column, 1u);
  EXPECT_EQ(errors[0].section, "outputs[0] (type \"throws_in_create\")");
  EXPECT_THAT(errors[0].message, HasSubstr("fixture refuses to start: missing credentials"));
  EXPECT_EQ(errors[0].to_string(),
            "test.toml:4:1: outputs[0] (type \"throws_in_create\"): cannot start: fixture refuses to start: missing "
            "credentials");
}

TEST(PipelineCreate, SilentNullCreateGetsADefaultReason) {
  auto registry = registry_with("null_create_silent");
  auto loaded = load(pipeline_with_output("null_create_silent"), registry);
  ASSERT_THAT(loaded->errors, IsEmpty());
  Pipeline pipeline(loaded->config);
  ConfigErrors errors;
  EXPECT_FALSE(pipeline.create(errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.line, 4u);
  EXPECT_EQ(errors[0].where.column, 1u);
  EXPECT_EQ(errors[0].section, "outputs[0] (type \"null_create_silent\")");
  EXPECT_THAT(errors[0].message, HasSubstr("without giving a reason"));
}

TEST(PipelineCreate, BothFailuresReportedInOnePass) {
  std::vector<std::string> discover_errors;
  auto registry = PluginRegistry::discover({kBuilt, kFixtures / "throws_in_create", kFixtures / "null_create_silent"},
                                           discover_errors);
  ASSERT_THAT(discover_errors, IsEmpty());
  auto loaded =
      load(pipeline_with_output("throws_in_create") + "\n[[outputs]]\ntype = \"null_create_silent\"\n", registry);
  ASSERT_THAT(loaded->errors, IsEmpty());
  Pipeline pipeline(loaded->config);
  ConfigErrors errors;
  EXPECT_FALSE(pipeline.create(errors));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].where.line, 4u);
  EXPECT_THAT(errors[0].message, HasSubstr("missing credentials"));
  EXPECT_EQ(errors[1].where.line, 7u);
  EXPECT_EQ(errors[1].section, "outputs[1] (type \"null_create_silent\")");
  EXPECT_THAT(errors[1].message, HasSubstr("without giving a reason"));
}

TEST(PipelineCreate, WorkingPluginsCreate) {
  auto registry = registry_with("throws_in_create");  // present, but not used
  auto loaded = load(pipeline_with_output("null"), registry);
  ASSERT_THAT(loaded->errors, IsEmpty());
  Pipeline pipeline(loaded->config);
  ConfigErrors errors;
  EXPECT_TRUE(pipeline.create(errors));
  EXPECT_THAT(errors, IsEmpty());
}

TEST(PipelineCreate, PluginRefusingItsOptionsAtCreate) {
  // stdout validates `format` itself in create: the option is a valid string to the schema.
  auto registry = registry_with("throws_in_create");
  auto loaded = load(pipeline_with_output("stdout") + "format = \"yaml\"\n", registry);
  ASSERT_THAT(loaded->errors, IsEmpty());
  Pipeline pipeline(loaded->config);
  ConfigErrors errors;
  EXPECT_FALSE(pipeline.create(errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].where.line, 4u);
  EXPECT_EQ(errors[0].section, "outputs[0] (type \"stdout\")");
  EXPECT_EQ(errors[0].message, "cannot start: format must be \"json\" or \"raw\", got \"yaml\"");
}

}  // namespace
