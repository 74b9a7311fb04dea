// What hello says.
const char *greeting(void);
