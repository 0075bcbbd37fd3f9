// Unit tests of plugin loading: every loader failure names the file and the reason; option
// tables are read with the plugin's stride; discovery reports unusable libraries and
// duplicates; run and check load only what the pipeline names; files and folders others
// could change are refused unopened, and the current directory is never searched unless
// named by its absolute path; a plugin failing create is reported with its section's
// location, never a crash.
#include "config/config_loader.hpp"
#include "config/pipeline_config.hpp"
#include "pipeline/pipeline.hpp"
#include "plugin/option_schema.hpp"
#include "plugin/plugin_library.hpp"
#include "plugin/plugin_registry.hpp"

#include <logagent/plugin.h>
#include <logagent/plugin.hpp>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace fs = std::filesystem;
using namespace logagent::core;
using ::testing::ElementsAre;
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
  auto accepts = [](logagent_option_type type, const char* text) {
    const logagent_option option = logagent::option("o", type).defaults(text);
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

  const logagent_option f = logagent::option("f", LOGAGENT_OPTION_FLOAT).defaults("-2.5e-1");
  OptionValue value;
  ASSERT_EQ(convert_option(f, nullptr, value), std::nullopt);
  EXPECT_DOUBLE_EQ(value.real, -0.25);
  const logagent_option i = logagent::option("i", LOGAGENT_OPTION_INT).defaults("-17");
  ASSERT_EQ(convert_option(i, nullptr, value), std::nullopt);
  EXPECT_EQ(value.integer, -17);
  const logagent_option b = logagent::option("b", LOGAGENT_OPTION_BOOL).defaults("false");
  value.boolean = true;
  ASSERT_EQ(convert_option(b, nullptr, value), std::nullopt);
  EXPECT_FALSE(value.boolean);
}

TEST(PluginLoad, InvalidChoicesAndRanges) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"choices_on_int", "has choices but is of type integer: only string and list of strings options may have them"},
      {"choices_empty", "has an empty list of choices (choices = NULL allows any value)"},
      {"choices_twice", "lists the choice \"json\" twice"},
      {"default_not_a_choice", "has the default \"xml\" that is not one of its choices \"json\", \"raw\""},
      {"range_on_string",
       "has a range but is of type string: only integer, float, duration and size options may have one"},
      {"range_bad_min", "has an invalid min_value \"lots\": expected a size such as \"64KiB\" or \"8MiB\""},
      {"range_min_above_max", "has min_value \"1s\" greater than its max_value \"10ms\""},
      {"default_below_min", "has the default \"0\" below its min_value \"1\""},
      {"default_above_max", "has the default \"2.5\" above its max_value \"1\""},
  };
  for (const auto& [name, problem] : cases) {
    EXPECT_EQ(load_error(fixture(name)),
              fixture(name).string() + ": option \"setting\" of plugin \"" + name + "\" " + problem);
  }
}

TEST(PluginLoad, OptionSizeSmallerThanAbi10) {
  static_assert(offsetof(logagent_option, choices) == 40 && sizeof(logagent_option) == 72, "x86-64 / LP64 layout");
  EXPECT_EQ(load_error(fixture("old_option_size")),
            fixture("old_option_size").string() +
                ": plugin \"old_option_size\" has option_size 40, smaller than ABI 1.0's logagent_option (72 "
                "bytes): set it to sizeof(logagent_option)");
}

TEST(PluginLoad, WiderOptionEntriesAreReadWithTheirStride) {
  // Each entry of wide_options is a logagent_option followed by members of a "later minor".
  auto lib = PluginLibrary::load(fixture("wide_options"));
  const std::vector<logagent_option>& options = lib->options();
  ASSERT_EQ(options.size(), 8u);
  std::vector<std::string> names;
  for (const auto& o : options) names.emplace_back(o.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"format", "buffer", "ratio", "timeout", "count", "levels", "password", "pin"}));
  EXPECT_EQ(options[0].type, uint32_t{LOGAGENT_OPTION_STRING});
  EXPECT_STREQ(options[0].default_value, "json");
  EXPECT_THAT(option_choices(options[0]), ElementsAre("json", "raw"));
  EXPECT_EQ(options[1].type, uint32_t{LOGAGENT_OPTION_SIZE});
  EXPECT_STREQ(options[1].min_value, "1KiB");
  EXPECT_STREQ(options[1].max_value, "1MiB");
  EXPECT_STREQ(options[3].min_value, "10ms");
  EXPECT_EQ(options[3].max_value, nullptr);
  EXPECT_EQ(options[4].min_value, nullptr);
  EXPECT_STREQ(options[4].max_value, "10");
  EXPECT_THAT(option_choices(options[5]), ElementsAre("debug", "info", "warn"));
  EXPECT_EQ(options[6].secret, 1);
  EXPECT_EQ(options[5].secret, 0);
  // The descriptor the rest of the core sees indexes the normalised copies.
  EXPECT_EQ(lib->descriptor().options, options.data());
  EXPECT_EQ(lib->descriptor().option_size, sizeof(logagent_option));
  EXPECT_EQ(lib->descriptor().option_count, 8u);
}

TEST(PluginLoad, MissingSharedLibraryDependency) {
  EXPECT_EQ(load_error(kFixtures / "missing_dependency" / "out_missing_dependency.so"),
            (kFixtures / "missing_dependency" / "out_missing_dependency.so").string() +
                ": not a loadable library: libfixture_missing_dependency.so: cannot open shared object file: No such "
                "file or directory");
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

const logagent_option* find_option(const PluginLibrary& lib, std::string_view name) {
  for (const auto& o : lib.options()) {
    if (name == o.name) return &o;
  }
  return nullptr;
}

TEST(PluginLoad, BuiltInPlugins) {
  auto in = PluginLibrary::load(kBuilt / "in_stdin.so");
  EXPECT_EQ(in->name(), "stdin");
  EXPECT_EQ(in->kind(), uint32_t{LOGAGENT_KIND_INPUT});
  EXPECT_EQ(in->descriptor().abi_major, uint32_t{LOGAGENT_ABI_MAJOR});
  EXPECT_EQ(in->descriptor().struct_size, sizeof(logagent_plugin_descriptor));
  EXPECT_NE(in->descriptor().input_run, nullptr);
  ASSERT_NE(find_option(*in, "max_line_bytes"), nullptr);
  EXPECT_EQ(find_option(*in, "max_line_bytes")->type, uint32_t{LOGAGENT_OPTION_SIZE});
  EXPECT_STREQ(find_option(*in, "max_line_bytes")->default_value, "1MiB");
  ASSERT_NE(find_option(*in, "on_long_line"), nullptr);
  EXPECT_EQ(find_option(*in, "on_long_line")->type, uint32_t{LOGAGENT_OPTION_STRING});
  EXPECT_EQ(find_option(*in, "format"), nullptr);

  auto out = PluginLibrary::load(kBuilt / "out_stdout.so");
  EXPECT_EQ(out->name(), "stdout");
  EXPECT_EQ(out->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_NE(out->descriptor().output_write, nullptr);
  ASSERT_NE(find_option(*out, "format"), nullptr);
  EXPECT_STREQ(find_option(*out, "format")->default_value, "json");

  auto null = PluginLibrary::load(kBuilt / "out_null.so");
  EXPECT_EQ(null->name(), "null");
  EXPECT_EQ(null->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_THAT(null->options(), IsEmpty());
}

// ---------------------------------------------------------------------------------------
// PluginLibrary::from_descriptor: descriptors compiled into this test

void* test_create(const logagent_host*, logagent_context*, const logagent_config*) { return nullptr; }
void test_destroy(void*) {}
int32_t test_write(void*, const logagent_batch*, logagent_token*) { return LOGAGENT_OK; }

logagent_plugin_descriptor test_output(const char* name) {
  logagent_plugin_descriptor d{};
  d.struct_size = sizeof d;
  d.abi_major = LOGAGENT_ABI_MAJOR;
  d.abi_minor = LOGAGENT_ABI_MINOR;
  d.kind = LOGAGENT_KIND_OUTPUT;
  d.name = name;
  d.version = "1.0.0";
  d.description = "compiled into the test";
  d.option_size = sizeof(logagent_option);
  d.create = test_create;
  d.destroy = test_destroy;
  d.output_write = test_write;
  return d;
}

std::string from_descriptor_error(const logagent_plugin_descriptor* d, const std::string& origin) {
  try {
    auto lib = PluginLibrary::from_descriptor(d, origin);
    ADD_FAILURE() << origin << " was accepted as plugin \"" << lib->name() << "\"";
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return {};
}

TEST(PluginFromDescriptor, ValidDescriptor) {
  static const logagent_option options[] = {
      logagent::option("format", LOGAGENT_OPTION_STRING).defaults("json").doc("How"),
  };
  logagent_plugin_descriptor d = test_output("in_process");
  d.options = options;
  d.option_count = 1;
  auto lib = PluginLibrary::from_descriptor(&d, "test:in_process");
  EXPECT_EQ(lib->name(), "in_process");
  EXPECT_EQ(lib->kind(), uint32_t{LOGAGENT_KIND_OUTPUT});
  EXPECT_EQ(lib->file(), fs::path("test:in_process"));
  EXPECT_EQ(lib->descriptor().output_write, &test_write);
  ASSERT_EQ(lib->options().size(), 1u);
  EXPECT_STREQ(lib->options()[0].default_value, "json");
}

TEST(PluginFromDescriptor, SameChecksAsLoadNamingTheOrigin) {
  EXPECT_EQ(from_descriptor_error(nullptr, "test:none"), "test:none: no descriptor");

  logagent_plugin_descriptor major = test_output("major");
  major.abi_major = LOGAGENT_ABI_MAJOR + 1;
  EXPECT_EQ(from_descriptor_error(&major, "test:major"),
            "test:major: incompatible ABI major version (plugin ABI 2.0, agent ABI 1.0)");

  logagent_plugin_descriptor no_write = test_output("no_write");
  no_write.output_write = nullptr;
  EXPECT_EQ(from_descriptor_error(&no_write, "test:no_write"),
            "test:no_write: output plugin \"no_write\" lacks output_write");

  static const char* const kFormats[] = {"json", "raw", nullptr};
  static const logagent_option bad_default[] = {
      logagent::option("format", LOGAGENT_OPTION_STRING).defaults("xml").choices(kFormats),
  };
  logagent_plugin_descriptor schema = test_output("schema");
  schema.options = bad_default;
  schema.option_count = 1;
  EXPECT_EQ(from_descriptor_error(&schema, "test:schema"),
            "test:schema: option \"format\" of plugin \"schema\" has the default \"xml\" that is not one of its "
            "choices \"json\", \"raw\"");

  static const logagent_option reserved[] = {logagent::option("id", LOGAGENT_OPTION_STRING)};
  logagent_plugin_descriptor id = test_output("own_id");
  id.options = reserved;
  id.option_count = 1;
  EXPECT_EQ(from_descriptor_error(&id, "test:own_id"),
            "test:own_id: option \"id\" of plugin \"own_id\" is reserved: the core reads it for every output");
}

TEST(PluginFromDescriptor, WiderStrideInProcess) {
  struct Wider {
    logagent_option option;
    char later[40];
  };
  static Wider table[2];
  table[0].option = logagent::option("first", LOGAGENT_OPTION_INT).defaults("3").min("1");
  table[1].option = logagent::option("second", LOGAGENT_OPTION_BOOL).defaults("true");
  std::memset(table[0].later, 0x7f, sizeof table[0].later);  // a reader with the wrong stride sees garbage
  std::memset(table[1].later, 0x7f, sizeof table[1].later);
  logagent_plugin_descriptor d = test_output("wider");
  d.options = &table[0].option;
  d.option_count = 2;
  d.option_size = sizeof(Wider);
  auto lib = PluginLibrary::from_descriptor(&d, "test:wider");
  ASSERT_EQ(lib->options().size(), 2u);
  EXPECT_STREQ(lib->options()[1].name, "second");
  EXPECT_STREQ(lib->options()[1].default_value, "true");
  EXPECT_STREQ(lib->options()[0].min_value, "1");
}

TEST(PluginFromDescriptor, NoOptionsNeedNoStride) {
  logagent_plugin_descriptor d = test_output("no_options");
  d.option_size = 0;  // a table of nothing has no entries to space
  EXPECT_EQ(PluginLibrary::from_descriptor(&d, "test:no_options")->options().size(), 0u);
  d.option_count = 1;
  static const logagent_option one[] = {logagent::option("x", LOGAGENT_OPTION_INT)};
  d.options = one;
  EXPECT_EQ(from_descriptor_error(&d, "test:stride"),
            "test:stride: plugin \"no_options\" has option_size 0, smaller than ABI 1.0's logagent_option (72 "
            "bytes): set it to sizeof(logagent_option)");
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
// PluginRegistry::load_needed: what run and check load

// A folder of links, for search-order cases; removed with the test.
class LinkFolder {
 public:
  explicit LinkFolder(const std::string& name) {
    dir_ = fs::temp_directory_path() / ("logagent-unit-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::permissions(dir_, fs::perms(0755));  // whatever the umask: a plugin folder others can write to is refused
  }
  ~LinkFolder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void link(const fs::path& target, const std::string& as) { fs::create_symlink(target, dir_ / as); }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

std::vector<std::string> library_files(const PluginRegistry& registry) {
  std::vector<std::string> files;
  for (const auto& lib : registry.libraries()) files.push_back(lib->file().string());
  return files;
}

const std::vector<PluginName> kStdinToStdout = {{LOGAGENT_KIND_INPUT, "stdin"}, {LOGAGENT_KIND_OUTPUT, "stdout"}};

TEST(PluginLoadNeeded, ConventionalNamesOpenNothingElse) {
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed(
      {kBuilt, kFixtures / "not_a_library", kFixtures / "bad_major", kFixtures / "missing_dependency"}, kStdinToStdout,
      warnings);
  EXPECT_THAT(warnings, IsEmpty());  // the broken files were never opened
  EXPECT_THAT(library_files(registry),
              ElementsAre((kBuilt / "in_stdin.so").string(), (kBuilt / "out_stdout.so").string()));
  EXPECT_THAT(registry.unusable_files(), IsEmpty());
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "null"), nullptr);  // there, but not needed
}

TEST(PluginLoadNeeded, FreelyNamedFileFoundByScanningWithWarnings) {
  // fixture_ack.so is no conventional name: the files are opened in search order until it
  // is found, and what is wrong with those met on the way is only a warning.
  std::vector<std::string> warnings;
  auto registry =
      PluginRegistry::load_needed({kBuilt, kFixtures / "not_a_library", kFixtures / "ack", kFixtures / "bad_major"},
                                  {{LOGAGENT_KIND_INPUT, "stdin"}, {LOGAGENT_KIND_OUTPUT, "fixture_ack"}}, warnings);
  EXPECT_THAT(warnings, ElementsAre(fixture("not_a_library").string() +
                                    ": not a loadable library: not an ELF shared object (file too short)"));
  EXPECT_THAT(registry.unusable_files(), ElementsAre(fixture("not_a_library")));
  ASSERT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack")->file(), kFixtures / "ack" / "fixture_ack.so");
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "bad_major"), nullptr);  // after it: never opened
}

TEST(PluginLoadNeeded, ScanStopsOnceEverythingIsFound) {
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed({kFixtures / "ack", kFixtures / "not_a_library"},
                                              {{LOGAGENT_KIND_OUTPUT, "fixture_ack"}}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
}

TEST(PluginLoadNeeded, UnusableConventionalFileIsTheLoadProblem) {
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed(
      {kBuilt, kFixtures / "missing_dependency", kFixtures / "not_a_library"},
      {{LOGAGENT_KIND_INPUT, "stdin"}, {LOGAGENT_KIND_OUTPUT, "missing_dependency"}}, warnings);
  EXPECT_THAT(warnings, IsEmpty());  // no scan: the file named for the plugin is the one
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "missing_dependency"), nullptr);
  const std::string* problem = registry.load_problem(LOGAGENT_KIND_OUTPUT, "missing_dependency");
  ASSERT_NE(problem, nullptr);
  EXPECT_EQ(*problem, (kFixtures / "missing_dependency" / "out_missing_dependency.so").string() +
                          ": not a loadable library: libfixture_missing_dependency.so: cannot open shared object file: "
                          "No such file or directory");
  EXPECT_EQ(registry.load_problem(LOGAGENT_KIND_INPUT, "missing_dependency"), nullptr);  // kinds are separate
  EXPECT_EQ(registry.load_problem(LOGAGENT_KIND_INPUT, "stdin"), nullptr);
}

TEST(PluginLoadNeeded, UnknownNameOpensEverythingOnce) {
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed({kBuilt, kFixtures / "not_a_library", kFixtures / "no_such_folder"},
                                              {{LOGAGENT_KIND_OUTPUT, "nope"}}, warnings);
  EXPECT_THAT(warnings,
              ElementsAre((kFixtures / "no_such_folder").string() + ": plugin folder does not exist or is not a folder",
                          fixture("not_a_library").string() +
                              ": not a loadable library: not an ELF shared object (file too short)"));
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "nope"), nullptr);
  EXPECT_EQ(registry.load_problem(LOGAGENT_KIND_OUTPUT, "nope"), nullptr);
  // Every usable plugin is known, for the "unknown output type" message's list.
  EXPECT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "null"), nullptr);
  EXPECT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "stdout"), nullptr);
}

TEST(PluginLoadNeeded, FirstConventionalFileInSearchOrderWins) {
  LinkFolder first("first");
  first.link(kBuilt / "out_stdout.so", "out_stdout.so");
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed({first.dir(), kBuilt}, {{LOGAGENT_KIND_OUTPUT, "stdout"}}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "stdout"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "stdout")->file(), first.dir() / "out_stdout.so");
}

TEST(PluginLoadNeeded, ConventionalNameDeclaringAnotherPlugin) {
  LinkFolder misnamed("misnamed");
  misnamed.link(kFixtures / "ack" / "fixture_ack.so", "out_stdout.so");
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed({misnamed.dir(), kBuilt}, {{LOGAGENT_KIND_OUTPUT, "stdout"}}, warnings);
  EXPECT_THAT(warnings,
              ElementsAre((misnamed.dir() / "out_stdout.so").string() +
                          ": named like the output \"stdout\" plugin but declares the output \"fixture_ack\""));
  ASSERT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "stdout"), nullptr);  // the next folder's
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "stdout")->file(), kBuilt / "out_stdout.so");
}

TEST(PluginLoadNeeded, DuplicateMetWhileScanningIsAWarningAndTheFirstWins) {
  const fs::path dir = kFixtures / "duplicate_name";
  std::vector<std::string> warnings;
  // "absent" is never found, so both copies are opened.
  auto registry =
      PluginRegistry::load_needed({dir}, {{LOGAGENT_KIND_OUTPUT, "twin"}, {LOGAGENT_KIND_OUTPUT, "absent"}}, warnings);
  EXPECT_THAT(warnings, ElementsAre((dir / "dup_b.so").string() + ": output plugin \"twin\" is already provided by " +
                                    (dir / "dup_a.so").string()));
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "twin")->file(), dir / "dup_a.so");
  EXPECT_THAT(registry.unusable_files(), IsEmpty());  // a duplicate is usable, only shadowed
}

TEST(PluginLoadNeeded, ConventionalFileNames) {
  EXPECT_EQ(conventional_file_name(LOGAGENT_KIND_INPUT, "tail"), "in_tail.so");
  EXPECT_EQ(conventional_file_name(LOGAGENT_KIND_FILTER, "regex"), "filter_regex.so");
  EXPECT_EQ(conventional_file_name(LOGAGENT_KIND_OUTPUT, "kafka"), "out_kafka.so");
}

// ---------------------------------------------------------------------------------------
// Files and folders that others than root and the agent's user could change: refused
// before they are opened, as any file that cannot be loaded

// A folder of copies of plugin files, each with the mode asked for; removed with the test.
class CopyFolder {
 public:
  explicit CopyFolder(const std::string& name, fs::perms mode = fs::perms(0755)) {
    dir_ = fs::temp_directory_path() / ("logagent-unit-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    fs::permissions(dir_, mode);
  }
  ~CopyFolder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path copy(const fs::path& from, const std::string& as, fs::perms mode) {
    fs::copy_file(from, dir_ / as);
    fs::permissions(dir_ / as, mode);
    return dir_ / as;
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

const fs::path kAck = kFixtures / "ack" / "fixture_ack.so";

TEST(PluginRefused, DiscoverListsALooseFileAndKeepsTheOthers) {
  CopyFolder folder("loose-file");
  const fs::path loose = folder.copy(kAck, "fixture_ack.so", fs::perms(0646));
  std::vector<std::string> problems;
  auto registry = PluginRegistry::discover({kBuilt, folder.dir()}, problems);
  EXPECT_THAT(problems, ElementsAre(loose.string() +
                                    ": refused: writable by others (mode 0646); a plugin must be writable only by its "
                                    "owner and root (chmod o-w " +
                                    loose.string() + ")"));
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
  EXPECT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "stdout"), nullptr);
}

TEST(PluginRefused, DiscoverOpensNoFileOfALooseFolder) {
  CopyFolder folder("loose-folder", fs::perms(0757));
  folder.copy(kAck, "fixture_ack.so", fs::perms(0644));
  folder.copy(fixture("not_a_library"), "not_a_library.so", fs::perms(0644));  // opened, it would be a problem too
  std::vector<std::string> problems;
  auto registry = PluginRegistry::discover({kBuilt, folder.dir()}, problems);
  EXPECT_THAT(problems, ElementsAre(folder.dir().string() +
                                    ": refused as a plugin folder: writable by others (mode 0757); a plugin folder "
                                    "must be writable only by its owner and root (chmod o-w " +
                                    folder.dir().string() + ")"));
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
  EXPECT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "stdout"), nullptr);
}

TEST(PluginRefused, StickyFolderOthersCanWriteToIsNoPluginFolder) {
  CopyFolder folder("sticky-folder", fs::perms(01757));
  folder.copy(kAck, "fixture_ack.so", fs::perms(0644));
  std::vector<std::string> problems;
  auto registry = PluginRegistry::discover({folder.dir()}, problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr(": refused as a plugin folder: writable by others (mode 1757)"));
  EXPECT_TRUE(registry.libraries().empty());
}

TEST(PluginRefused, LooseConventionalFileIsTheLoadProblem) {
  // The file named for the plugin is the one: a good copy in a later folder is not used.
  CopyFolder folder("loose-conventional");
  const fs::path loose = folder.copy(kAck, "out_fixture_ack.so", fs::perms(0646));
  std::vector<std::string> warnings;
  auto registry =
      PluginRegistry::load_needed({folder.dir(), kFixtures / "ack"}, {{LOGAGENT_KIND_OUTPUT, "fixture_ack"}}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
  const std::string* problem = registry.load_problem(LOGAGENT_KIND_OUTPUT, "fixture_ack");
  ASSERT_NE(problem, nullptr);
  EXPECT_EQ(*problem, loose.string() +
                          ": refused: writable by others (mode 0646); a plugin must be writable only by its owner and "
                          "root (chmod o-w " +
                          loose.string() + ")");
}

TEST(PluginRefused, LooseFileOrFolderMetWhileScanningIsAWarning) {
  CopyFolder open_folder("loose-scanned-folder", fs::perms(0757));
  open_folder.copy(kAck, "fixture_ack.so", fs::perms(0644));
  CopyFolder folder("loose-scanned");
  const fs::path loose = folder.copy(fixture("bad_major"), "stray.so", fs::perms(0606));
  std::vector<std::string> warnings;
  auto registry = PluginRegistry::load_needed({open_folder.dir(), folder.dir(), kFixtures / "ack"},
                                              {{LOGAGENT_KIND_OUTPUT, "fixture_ack"}}, warnings);
  EXPECT_THAT(warnings, ElementsAre(open_folder.dir().string() +
                                        ": refused as a plugin folder: writable by others (mode 0757); a plugin "
                                        "folder must be writable only by its owner and root (chmod o-w " +
                                        open_folder.dir().string() + ")",
                                    loose.string() +
                                        ": refused: writable by others (mode 0606); a plugin must be "
                                        "writable only by its owner and root (chmod o-w " +
                                        loose.string() + ")"));
  EXPECT_THAT(registry.unusable_files(), ElementsAre(loose));
  ASSERT_NE(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack"), nullptr);
  EXPECT_EQ(registry.find(LOGAGENT_KIND_OUTPUT, "fixture_ack")->file(), kAck);
}

TEST(PluginRefused, RelativePathIsNeverOpened) {
  // Not even from the folder that holds it: dlopen would search its own path for a bare name.
  const fs::path cwd = fs::current_path();
  fs::current_path(kBuilt);
  const std::string error = load_error("out_stdout.so");
  const std::string dotted = load_error("./out_stdout.so");
  fs::current_path(cwd);
  EXPECT_EQ(error,
            "out_stdout.so: refused: the path is relative, so what it names depends on the current directory; give an "
            "absolute path");
  EXPECT_EQ(dotted,
            "./out_stdout.so: refused: the path is relative, so what it names depends on the current directory; give "
            "an absolute path");
}

// ---------------------------------------------------------------------------------------
// plugin_search_path: the current directory only when named by its absolute path

// Sets LOGAGENT_PLUGIN_PATH (nullptr: unsets it) for one test.
class PluginPathVariable {
 public:
  explicit PluginPathVariable(const char* value) {
    if (const char* old = std::getenv(kName)) old_ = old;
    if (value != nullptr) {
      ::setenv(kName, value, 1);
    } else {
      ::unsetenv(kName);
    }
  }
  ~PluginPathVariable() {
    if (old_) {
      ::setenv(kName, old_->c_str(), 1);
    } else {
      ::unsetenv(kName);
    }
  }

 private:
  static constexpr const char* kName = "LOGAGENT_PLUGIN_PATH";
  std::optional<std::string> old_;
};

// The last `n` folders of the search path (the built-in ones come first, when they exist).
std::vector<std::string> last(const std::vector<fs::path>& dirs, size_t n) {
  std::vector<std::string> tail;
  for (size_t i = dirs.size() < n ? 0 : dirs.size() - n; i < dirs.size(); ++i) tail.push_back(dirs[i].string());
  return tail;
}

TEST(PluginSearchPath, RelativeEntriesOfThePluginPathAreIgnoredWithAWarning) {
  PluginPathVariable variable("/opt/a::plugins:/opt/b:./more:");
  std::vector<std::string> problems;
  const auto dirs = plugin_search_path({}, {}, problems);
  EXPECT_THAT(last(dirs, 2), ElementsAre("/opt/a", "/opt/b"));
  EXPECT_THAT(problems, ElementsAre("LOGAGENT_PLUGIN_PATH: \"plugins\" is a relative path, so what it names depends "
                                    "on the current directory: ignored; give an absolute path, e.g. \"$PWD/plugins\"",
                                    "LOGAGENT_PLUGIN_PATH: \"./more\" is a relative path, so what it names depends on "
                                    "the current directory: ignored; give an absolute path, e.g. \"$PWD/more\""));
}

TEST(PluginSearchPath, RelativePluginDirsAreTakenFromThePipelineFilesFolder) {
  PluginPathVariable variable(nullptr);
  std::vector<std::string> problems;
  const auto dirs = plugin_search_path({"plugins", "./more/../extra", "/opt/abs"}, "/etc/logagent", problems);
  EXPECT_THAT(last(dirs, 3), ElementsAre("/etc/logagent/plugins", "/etc/logagent/extra", "/opt/abs"));
  EXPECT_THAT(problems, IsEmpty());
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

// As load_pipeline does it: only the plugins the text names are loaded, from `dirs`.
std::unique_ptr<Loaded> load_needed(std::string_view text, const std::vector<fs::path>& dirs,
                                    std::vector<std::string>& warnings) {
  auto r = std::make_unique<Loaded>();
  r->config.file = "test.toml";
  auto doc = parse_config_text(text, "test.toml", r->errors);
  if (!doc) return r;
  r->config.service = read_service(*doc, r->errors);
  const PluginRegistry registry = PluginRegistry::load_needed(dirs, needed_plugins(*doc), warnings);
  read_components(*doc, registry, r->config, r->errors);
  check_routes(r->config, r->errors);
  return r;
}

TEST(PipelineLoad, NeededPlugins) {
  ConfigErrors errors;
  auto doc = parse_config_text(
      "[[outputs]]\ntype = \"stdout\"\n[[inputs]]\ntype = \"stdin\"\n[[inputs]]\ntype = 3\n[[outputs]]\ntype = "
      "\"stdout\"\n[[filters]]\ntype = \"stdout\"\n[[inputs]]\ntype = \"tail\"\n",
      "test.toml", errors);
  ASSERT_TRUE(doc.has_value());
  std::vector<std::pair<uint32_t, std::string>> needed;
  for (const auto& p : needed_plugins(*doc)) needed.emplace_back(p.kind, p.name);
  // By kind, then in file order; each once; a `type` that is no string is read_components' to report.
  EXPECT_EQ(needed, (std::vector<std::pair<uint32_t, std::string>>{{LOGAGENT_KIND_INPUT, "stdin"},
                                                                   {LOGAGENT_KIND_INPUT, "tail"},
                                                                   {LOGAGENT_KIND_FILTER, "stdout"},
                                                                   {LOGAGENT_KIND_OUTPUT, "stdout"}}));
}

TEST(PipelineLoad, BrokenLibraryElsewhereDoesNotStopThePipeline) {
  std::vector<std::string> warnings;
  auto loaded = load_needed(pipeline_with_output("stdout"), {kBuilt, kFixtures / "missing_dependency"}, warnings);
  EXPECT_THAT(loaded->errors, IsEmpty());
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_EQ(loaded->config.outputs.size(), 1u);
  EXPECT_EQ(loaded->config.outputs[0].library->file(), kBuilt / "out_stdout.so");
}

TEST(PipelineLoad, NeededLibraryThatCannotLoadIsAnErrorAtItsType) {
  std::vector<std::string> warnings;
  auto loaded =
      load_needed(pipeline_with_output("missing_dependency"), {kBuilt, kFixtures / "missing_dependency"}, warnings);
  EXPECT_THAT(warnings, IsEmpty());
  ASSERT_EQ(loaded->errors.size(), 1u);
  EXPECT_EQ(loaded->errors[0].to_string(),
            "test.toml:5:8: outputs[0] (type \"missing_dependency\"): cannot load the output plugin "
            "\"missing_dependency\": " +
                (kFixtures / "missing_dependency" / "out_missing_dependency.so").string() +
                ": not a loadable library: libfixture_missing_dependency.so: cannot open shared object file: No such "
                "file or directory");
}

TEST(PipelineLoad, UnknownTypeNamesTheFilesThatCouldNotBeLoaded) {
  LinkFolder builtins("builtins");
  for (const char* name : {"in_stdin.so", "out_stdout.so", "out_null.so"}) builtins.link(kBuilt / name, name);
  std::vector<std::string> warnings;
  auto loaded = load_needed(pipeline_with_output("bad_major"), {builtins.dir(), kFixtures / "bad_major"}, warnings);
  EXPECT_THAT(warnings, ElementsAre(fixture("bad_major").string() +
                                    ": incompatible ABI major version (plugin ABI 2.0, agent ABI 1.0)"));
  ASSERT_EQ(loaded->errors.size(), 1u);
  EXPECT_EQ(loaded->errors[0].to_string(),
            "test.toml:5:8: outputs[0] (type \"bad_major\"): unknown output type \"bad_major\" (known outputs: null, "
            "stdout; files that could not be loaded: " +
                fixture("bad_major").string() + ")");
}

TEST(PipelineLoad, WideOptionEntriesValidateConfigurations) {
  std::vector<std::string> warnings;
  auto loaded = load_needed(pipeline_with_output("wide_options") +
                                "format = \"raw\"\nbuffer = \"2KiB\"\nlevels = [\"warn\"]\npassword = \"hunter2\"\n",
                            {kBuilt, kFixtures / "wide_options"}, warnings);
  ASSERT_THAT(loaded->errors, IsEmpty());
  const ComponentConfig& out = loaded->config.outputs[0];
  EXPECT_EQ(out.options.at("format").text, "raw");
  EXPECT_EQ(out.options.at("buffer").integer, 2048);
  EXPECT_DOUBLE_EQ(out.options.at("ratio").real, 0.5);
  EXPECT_EQ(out.options.at("password").text, "hunter2");
  EXPECT_EQ(out.options.count("timeout"), 0u);  // no default, not set
  Pipeline pipeline(loaded->config);
  ConfigErrors errors;
  EXPECT_TRUE(pipeline.create(errors));
  EXPECT_THAT(errors, IsEmpty());
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

TEST(PipelineCreate, ChoicesAreCheckedBeforeCreate) {
  // stdout lists its formats as choices: a wrong one never reaches the plugin's create,
  // and the error points at the value, not at the section.
  auto registry = registry_with("throws_in_create");
  auto loaded = load(pipeline_with_output("stdout") + "format = \"yaml\"\n", registry);
  ASSERT_EQ(loaded->errors.size(), 1u);
  EXPECT_EQ(loaded->errors[0].to_string(),
            "test.toml:6:10: outputs[0] (type \"stdout\"): option \"format\": expected one of \"json\", \"raw\", got "
            "\"yaml\"");
}

}  // namespace
