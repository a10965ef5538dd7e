/*
 * Ctrl-C during a long scan. The scan runs with the GIL released, so Python
 * cannot act on SIGINT until it returns. For a large scan on the main thread
 * the bridge puts its own SIGINT handler in front of Python's: it raises the
 * engine's interrupt flag (polled between blocks) and then calls Python's
 * handler, which records the signal; the bridge then drops the partial result
 * and lets PyErr_CheckSignals raise KeyboardInterrupt. Only the main thread
 * installs it (Python delivers KeyboardInterrupt there), so one scan at a
 * time owns the flag; small scans skip the two system calls.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <signal.h>

#include "interrupt.h"

enum { INTERRUPTIBLE_ELEMENTS = 1 << 20 };
static volatile int32_t interrupt_flag;
static struct sigaction python_sigint;
static unsigned long main_thread;

static void
on_sigint(int signum)
{
    interrupt_flag = 1;
    python_sigint.sa_handler(signum);
}

/* Installs the handler if Python has a handler function for SIGINT; returns whether it did. */
static int
intercept_sigint(void)
{
    if (PyThread_get_thread_ident() != main_thread) return 0;
    struct sigaction current;
    if (sigaction(SIGINT, NULL, &current) != 0) return 0;
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler == SIG_DFL || current.sa_handler == SIG_IGN) {
        return 0;
    }
    struct sigaction ours = current;
    ours.sa_handler = on_sigint;
    python_sigint = current;
    interrupt_flag = 0;
    return sigaction(SIGINT, &ours, NULL) == 0;
}

static void
release_sigint(void)
{
    sigaction(SIGINT, &python_sigint, NULL);
}

/* The thread Python delivers signals to (the module may be imported elsewhere). */
int
mlxl_find_main_thread(void)
{
    PyObject *threading = PyImport_ImportModule("threading");
    PyObject *main = threading ? PyObject_CallMethod(threading, "main_thread", NULL) : NULL;
    PyObject *ident = main ? PyObject_GetAttrString(main, "ident") : NULL;
    main_thread = ident ? PyLong_AsUnsignedLong(ident) : PyThread_get_thread_ident();
    Py_XDECREF(ident);
    Py_XDECREF(main);
    Py_XDECREF(threading);
    return PyErr_Occurred() ? -1 : 0;
}

/* Runs the engine with the GIL released; a large call on the main thread stops at Ctrl-C (see on_sigint). */
int32_t
mlxl_run_interruptible(mlxl_engine_call call, void *problem, const volatile int32_t **interrupt, Py_ssize_t size)
{
    int intercepted = size >= INTERRUPTIBLE_ELEMENTS && intercept_sigint();
    *interrupt = intercepted ? &interrupt_flag : NULL;
    int32_t status;
    Py_BEGIN_ALLOW_THREADS
    status = call(problem);
    Py_END_ALLOW_THREADS
    if (intercepted) release_sigint();
    return status;
}

PyObject *
mlxl_raise_for_status(const char *function, int32_t status)
{
    switch (status) {
    case MLXL_STATUS_UNSUPPORTED:
        return PyErr_Format(PyExc_TypeError, "%s: operation not defined for this element type", function);
    case MLXL_STATUS_NO_MEMORY:
        return PyErr_NoMemory();
    case MLXL_STATUS_INTERRUPTED:
        if (PyErr_CheckSignals() < 0) return NULL;
        PyErr_SetNone(PyExc_KeyboardInterrupt);
        return NULL;
    default:
        return PyErr_Format(PyExc_ValueError, "%s: invalid problem (status %d)", function, (int)status);
    }
}
