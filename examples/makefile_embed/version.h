// The version of tool.
#define TOOL_VERSION "1.0"
