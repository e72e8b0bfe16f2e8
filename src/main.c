/* halyze: the command-line front end over the core library. */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc; (void)argv;
	puts("halyze " HZ_VERSION);
	return 0;
}
